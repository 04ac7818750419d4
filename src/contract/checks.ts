// Compile-time checks for routes that send a record as it is, without a view to annotate.

/** Whether a record has exactly the fields of its contract type (either way assignable). */
export type SentAsIs<R, Shape> = [R] extends [Shape] ? ([Shape] extends [R] ? true : false) : false;

/** Fails to compile unless every check in the list holds. */
export type AllHold<T extends true[]> = T;
