'use strict';
// Fills ${Name} placeholders the way CDK definitionSubstitutions does: plain text replacement
// inside the JSON text. A placeholder with no value is an error, never left in place silently.
function substitute(text, values) {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, name) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) {
      throw new Error(`No substitution for placeholder \${${name}}`);
    }
    // Values land inside JSON strings, so escape them as JSON string content.
    return JSON.stringify(String(values[name])).slice(1, -1);
  });
}

module.exports = { substitute };
