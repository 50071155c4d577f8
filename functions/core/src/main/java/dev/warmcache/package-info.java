/**
 * warmcache core: what the reader and the refresh tasks share.
 *
 * <ul>
 *   <li>{@code dev.warmcache.id}: {@link dev.warmcache.id.ItemId}, the validated key.
 *   <li>{@code dev.warmcache.item}: {@link dev.warmcache.item.Item} and {@link
 *       dev.warmcache.item.ItemStore}, the only DynamoDB mapping. The refresh lease lives on the
 *       item ({@code leaseOwner}, {@code leaseUntil}); docs/item.md says why.
 *   <li>{@code dev.warmcache.settings}: {@link dev.warmcache.settings.Settings} from an env map.
 *   <li>{@code dev.warmcache.aws}: SDK clients built from settings.
 *   <li>{@code dev.warmcache.events}: events on the bus.
 *   <li>{@code dev.warmcache.json}: the shared mapper.
 * </ul>
 */
package dev.warmcache;
