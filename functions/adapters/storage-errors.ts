/**
 * Storage outcomes that callers act on, in our words, so core never sees an SDK exception type.
 */

/** A conditional write found the item in another state (someone else changed it first, or it already exists). */
export class ConditionFailedError extends Error {
  constructor(message = 'Condition failed') {
    super(message);
    this.name = 'ConditionFailedError';
  }
}

/**
 * A transaction was refused. `failedIndexes` lists the items whose own condition failed; when empty, the
 * transaction collided with another one touching the same items and may be retried.
 */
export class TransactionRefusedError extends Error {
  readonly failedIndexes: number[];
  readonly conflict: boolean;

  constructor(failedIndexes: number[], conflict: boolean) {
    super(conflict ? 'Transaction conflict' : `Transaction condition failed at ${failedIndexes.join(', ')}`);
    this.name = 'TransactionRefusedError';
    this.failedIndexes = failedIndexes;
    this.conflict = conflict;
  }
}
