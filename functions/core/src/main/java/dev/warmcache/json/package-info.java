/** The shared JSON mapper and the wording used when a JSON value has the wrong type. */
package dev.warmcache.json;
