'use strict';
// Build-time check of the ASL file, after the same substitutions the twin uses, by two validators:
// asl-validator (the JSON schema of the States Language) and AWS's own amazon-states-language-service
// (the language service of the AWS Toolkit, which also checks references such as Next targets).
const fs = require('fs');
const aslValidator = require('asl-validator');
const { getLanguageService, TextDocument, DiagnosticSeverity } = require('amazon-states-language-service');
const { substitute } = require('./substitutions');

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.js <file.asl.json>');
  process.exit(2);
}
const text = fs.readFileSync(file, 'utf8');
if (/"QueryLanguage"\s*:\s*"JSONata"|"Assign"\s*:/.test(text)) {
  console.error(`${file}: JSONata and Assign are not allowed (the local runner is JSONPath only)`);
  process.exit(1);
}
const substituted = substitute(text, {
  TableName: 'warmcache',
  EventBusName: 'warmcache',
  RefreshFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:warmcache-refresh',
});
// Both validators always run, so a file broken in two ways is reported in both at once.
const problems = [];
const { isValid, errorsText } = aslValidator(JSON.parse(substituted));
if (!isValid) {
  problems.push(`${file} is not valid ASL (asl-validator):\n  ${errorsText('\n  ')}`);
}

const service = getLanguageService({});
const document = TextDocument.create('file:///refresh.asl.json', 'json', 1, substituted);
service.doValidation(document, service.parseJSONDocument(document), {}).then((diagnostics) => {
  // Warnings count too: the file is small enough to keep at zero findings.
  const findings = diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Hint);
  if (findings.length > 0) {
    const lines = findings.map((d) => `  line ${d.range.start.line + 1}: ${d.message}`);
    problems.push(`${file} is not valid ASL (amazon-states-language-service):\n${lines.join('\n')}`);
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`${file}: valid ASL (asl-validator, amazon-states-language-service)`);
}, (error) => {
  console.error(`${file}: amazon-states-language-service failed: ${error.message}`);
  process.exit(1);
});
