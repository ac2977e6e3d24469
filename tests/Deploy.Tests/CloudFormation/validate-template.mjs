// Validates a CloudFormation template with npm @aws/cloudformation-validate (AWS's own rules and resource schemas,
// offline) and prints one JSON line per diagnostic: {"severity","ruleId","message","resource","path"}.
// Usage: node validate-template.mjs <node_modules> <template>. Exit code 0 when it ran (whatever it found), 2 when it
// could not run: the test decides what the findings mean.
import { createRequire } from "node:module";
import path from "node:path";

const [nodeModules, templatePath] = process.argv.slice(2);
if (!nodeModules || !templatePath) {
  console.error("usage: validate-template.mjs <node_modules> <template>");
  process.exit(2);
}

const require = createRequire(path.join(nodeModules, "noop.js"));
const { RegoEngine, TemplateFile } = require("@aws/cloudformation-validate");
const engine = new RegoEngine();
try {
  const report = engine.validateStandard(new TemplateFile(templatePath));
  for (const d of report.diagnostics) {
    console.log(JSON.stringify({
      severity: d.severity,
      ruleId: d.ruleId,
      message: d.message,
      resource: d.entity?.logicalId ?? null,
      path: d.propertyPath ?? null,
    }));
  }
} finally {
  engine.free();
}
