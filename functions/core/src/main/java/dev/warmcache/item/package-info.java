/**
 * The cached item and its DynamoDB mapping. {@link dev.warmcache.item.ItemStore} is the only class
 * that knows attribute names and write conditions; docs/item.md describes the table, including
 * where the refresh lease lives.
 */
package dev.warmcache.item;
