-- Issue 11: each gateway's order stream is published by that gateway's grain (Grains/GatewayGrain), not by one node
-- under the single 'orders' lease. The claim is per gateway: the activation that holds it is the only one that may
-- publish that gateway's rows, so two activations (possible briefly after a crash, or a node stalled past its
-- membership timeout) never interleave one gateway's upserts and cancels. A claim is taken over when it expired or
-- when membership says its owner (a silo address) is dead.
CREATE TABLE order_stream_claim (gateway_id TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX ix_order_outbox_gateway ON order_outbox(gateway_id, priority, seq); -- the stream reads STAT first (0010)
DROP TABLE order_outbox_lease;

-- ============================================================================================================
-- Orleans ADO.NET clustering and reminders (Microsoft.Orleans.Clustering.AdoNet / Reminders.AdoNet 10.4.2).
-- The packages carry no SQL: the provider reads its statements from OrleansQuery by key and binds parameters by
-- name (@DeploymentId, @Address, …), and reads result columns by name. Written from the schema documented in the
-- Orleans repository (src/AdoNet/Shared/PostgreSQL-Main.sql, Orleans.Clustering.AdoNet/PostgreSQL-Clustering.sql,
-- Orleans.Reminders.AdoNet/PostgreSQL-Reminders.sql), for the keys and parameters the 10.4.2 assemblies use:
--  * times are timestamptz(3): Npgsql sends the provider's UTC DateTime as timestamptz without a Kind error;
--  * CleanupDefunctSiloEntriesKey is included (the provider calls it; PostgreSQL scripts before 2024 lacked it);
--  * no MetadataJson column and no cron reminder columns: 10.4.2 neither writes nor reads them;
--  * grain state (Persistence) is not created: grains reload their state from the hub's own tables.
-- Unquoted identifiers fold to lower case in PostgreSQL; the provider's queries are unquoted too, so they match.
-- ============================================================================================================
CREATE TABLE OrleansQuery (
    QueryKey varchar(64) NOT NULL CONSTRAINT OrleansQuery_Key PRIMARY KEY,
    QueryText varchar(8000) NOT NULL);

-- Membership: one version row per cluster (deployment id), bumped by every membership change (optimistic
-- concurrency: a writer names the version it read), and one row per silo incarnation (address, port, generation).
CREATE TABLE OrleansMembershipVersionTable (
    DeploymentId varchar(150) NOT NULL CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY,
    Timestamp timestamptz(3) NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0);

CREATE TABLE OrleansMembershipTable (
    DeploymentId varchar(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName varchar(150) NOT NULL,
    HostName varchar(150) NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation));

-- Insert and update must change the silo row and bump the version together or not at all: the provider treats
-- 0 rows as "someone else changed membership first" and re-reads. A plpgsql block with an EXCEPTION clause runs
-- as a subtransaction, so RAISE after the row change undoes it; the function then answers 0.
CREATE FUNCTION orleans_insert_membership(
    deployment_id varchar, address_arg varchar, port_arg integer, generation_arg integer, silo_name varchar,
    host_name varchar, status_arg integer, proxy_port integer, start_time timestamptz, i_am_alive timestamptz,
    version_arg integer) RETURNS integer AS $$
DECLARE changed integer := 0;
BEGIN
    BEGIN
        INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status,
            ProxyPort, StartTime, IAmAliveTime)
        VALUES (deployment_id, address_arg, port_arg, generation_arg, silo_name, host_name, status_arg, proxy_port,
            start_time, i_am_alive)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN RETURN 0; END IF;
        UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
        WHERE DeploymentId = deployment_id AND Version = version_arg;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'membership version moved'; END IF;
        RETURN 1;
    EXCEPTION WHEN raise_exception THEN
        RETURN 0;
    END;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION orleans_update_membership(
    deployment_id varchar, address_arg varchar, port_arg integer, generation_arg integer, status_arg integer,
    suspect_times varchar, i_am_alive timestamptz, version_arg integer) RETURNS integer AS $$
DECLARE changed integer := 0;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
        WHERE DeploymentId = deployment_id AND Version = version_arg;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN RETURN 0; END IF;
        UPDATE OrleansMembershipTable SET Status = status_arg, SuspectTimes = suspect_times, IAmAliveTime = i_am_alive
        WHERE DeploymentId = deployment_id AND Address = address_arg AND Port = port_arg AND Generation = generation_arg;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'no such silo row'; END IF;
        RETURN 1;
    EXCEPTION WHEN raise_exception THEN
        RETURN 0;
    END;
END $$ LANGUAGE plpgsql;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Every statement the provider reads a boolean from must answer one row with one column (1 = done, 0 = not).
('InsertMembershipVersionKey',
 'WITH made AS (INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
      ON CONFLICT DO NOTHING RETURNING 1)
  SELECT count(*)::integer AS row_count FROM made;'),
('InsertMembershipKey',
 'SELECT orleans_insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
     @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS row_count;'),
('UpdateMembershipKey',
 'SELECT orleans_update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
     @IAmAliveTime, @Version) AS row_count;'),
('UpdateIAmAlivetimeKey',
 'UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
  WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;'),
-- Both reads return the version row even when no silo row matches (LEFT JOIN): the provider needs the version.
('MembershipReadRowKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
       AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
  WHERE v.DeploymentId = @DeploymentId;'),
('MembershipReadAllKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
  WHERE v.DeploymentId = @DeploymentId;'),
('DeleteMembershipTableEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
  DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;'),
('GatewaysQueryKey',
 'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
  WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),
-- Rows of silos that stopped reporting before @IAmAliveTime, except Active (3) ones, which membership itself judges.
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM OrleansMembershipTable
  WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;'),
-- 10.x also removes defunct rows one by one (the provider decides which in .NET): only a Dead (6) row is removed.
('CleanupDefunctSiloEntryKey',
 'DELETE FROM OrleansMembershipTable
  WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
    AND Status = 6;');

-- Reminders: one row per (service, grain, reminder). GrainHash places a reminder on the ring so each silo loads the
-- reminders of its range; Version is the optimistic-concurrency tag the provider hands back on delete.
CREATE TABLE OrleansRemindersTable (
    ServiceId varchar(150) NOT NULL,
    GrainId varchar(150) NOT NULL,
    ReminderName varchar(150) NOT NULL,
    StartTime timestamptz(3) NOT NULL,
    Period bigint NOT NULL,
    GrainHash integer NOT NULL,
    Version integer NOT NULL,
    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName));

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey',
 'INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
  VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash, 0)
  ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
      SET StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash,
          Version = r.Version + 1
  RETURNING r.Version AS version;'),
('ReadReminderRowsKey',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
  WHERE ServiceId = @ServiceId AND GrainId = @GrainId;'),
('ReadReminderRowKey',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
  WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;'),
-- A silo's range of the hash ring: (begin, end] when it does not wrap, else the two ends.
('ReadRangeRows1Key',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
  WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;'),
('ReadRangeRows2Key',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
  WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);'),
('DeleteReminderRowKey',
 'WITH gone AS (DELETE FROM OrleansRemindersTable
      WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
      RETURNING 1)
  SELECT count(*)::integer AS row_count FROM gone;'),
('DeleteReminderRowsKey',
 'DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;');
