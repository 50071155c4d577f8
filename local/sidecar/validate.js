'use strict';
// Build-time check of the ASL file with asl-validator, after the same substitutions the twin uses.
const fs = require('fs');
const aslValidator = require('asl-validator');
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
const definition = JSON.parse(substitute(text, {
  TableName: 'warmcache',
  EventBusName: 'warmcache',
  RefreshFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:warmcache-refresh',
  ReaderFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:warmcache-reader',
}));
const { isValid, errorsText } = aslValidator(definition);
if (!isValid) {
  console.error(`${file} is not valid ASL:\n${errorsText('\n')}`);
  process.exit(1);
}
console.log(`${file}: valid ASL`);
