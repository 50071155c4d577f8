/**
 * The errors the refresh workflow's Retry and Catch rules match on. The Java Lambda runtime reports
 * a thrown exception's {@code getName()} as {@code errorType}, and Step Functions uses that as the
 * error name, so these class names are a contract with {@code statemachine/refresh.asl.json}:
 * rename one and the ASL must change with it (see docs/workflow.md). None of them records a stack
 * trace, so nothing internal leaks into an execution's history.
 *
 * <ul>
 *   <li>{@link dev.warmcache.refresh.errors.InvalidIdException}: the trigger's id is not a valid
 *       id; the workflow fails at once as {@code Warmcache.InvalidId}.
 *   <li>{@link dev.warmcache.refresh.errors.InvalidStreamRecordException}: a TTL-expiry record
 *       whose OldImage is not an item of that key; fails at once as {@code
 *       Warmcache.InvalidStreamRecord}.
 *   <li>{@link dev.warmcache.refresh.errors.MalformedStoredItemException}: the stored item's
 *       version is unreadable or at its maximum; fails as {@code Warmcache.MalformedItem}.
 *   <li>{@link dev.warmcache.refresh.errors.OriginUnavailableException}: 5xx, 408, 429, a timeout
 *       or a refused connection; retried with backoff and jitter.
 *   <li>{@link dev.warmcache.refresh.errors.OriginRejectedException}: another 4xx or a redirect;
 *       not retried.
 *   <li>{@link dev.warmcache.refresh.errors.OriginBodyTooLargeException}: the body exceeds {@code
 *       MAX_VALUE_BYTES}; not stored, not retried.
 *   <li>{@link dev.warmcache.refresh.errors.UnexpectedTaskFailureException}: anything else; the
 *       original is logged, the error document names only its class.
 *   <li>{@link dev.warmcache.refresh.errors.MalformedTaskInputException}: the task input is not
 *       what the ASL sends (an unknown task, a missing field); a bug or a hand-made invocation.
 * </ul>
 */
package dev.warmcache.refresh.errors;
