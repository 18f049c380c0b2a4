// QoS 1 publish throughput of MQTT.js against a local broker: the same run as EdgeLab's own client
// (pipelined, never more in flight than the server's Receive Maximum). Prints one JSON line.
// Usage: node publish.js --port P --count N --size S [--host H] [--username U --password-file F]
'use strict';
const fs = require('fs');
const mqtt = require('mqtt');

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '1883'));
const count = Number(arg('count', '100000'));
const size = Number(arg('size', '200'));
const payload = Buffer.alloc(size, 0x61);
const username = arg('username', undefined);
const passwordFile = arg('password-file', undefined);
const password = passwordFile ? fs.readFileSync(passwordFile, 'utf8').trim() : undefined;

const client = mqtt.connect({ host, port, protocolVersion: 5, clientId: 'mqttjs-bench-' + process.pid, clean: true, reconnectPeriod: 0, username, password });
client.on('error', (err) => { console.error(err.message); process.exit(1); });
client.on('connect', (connack) => {
  const window = (connack.properties && connack.properties.receiveMaximum) || 65535;
  let sent = 0;
  let acked = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  const pump = () => {
    while (sent < count && sent - acked < window) {
      sent++;
      client.publish('bench/mqttjs', payload, { qos: 1 }, (err) => {
        acked++;
        if (err) failed++;
        if (acked === count) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          console.log(JSON.stringify({ client: 'mqtt.js', version: require('mqtt/package.json').version, messages: count, failed, seconds, rate: count / seconds }));
          client.end(true, () => process.exit(0));
        } else {
          pump();
        }
      });
    }
  };
  pump();
});
