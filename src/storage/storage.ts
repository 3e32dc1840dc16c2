/**
 * Where uploaded files live, hidden behind one interface so a shared store can replace the local disk.
 * Keys are random; nothing a client sends ever becomes part of a path.
 */
export interface Storage {
  /** A fresh path for an upload in progress, on the same disk as the store so adopting it is a rename. */
  incomingPath(): string;
  /** Moves a finished upload into the store, its bytes and its name on disk before it answers its key. */
  adopt(incomingPath: string): Promise<string>;
  /** The local path of a stored file, for streaming it. */
  pathOf(key: string): string;
  remove(key: string): Promise<void>;
  /**
   * Whether the store's disk still has room for a copy of `bytes` bytes and its working files: the tools
   * that make copies do not all say "disk full" when it is, so a failed copy asks here.
   */
  hasRoomFor(bytes: number): Promise<boolean>;
  /** Deletes an upload in progress, or a tool's working folder for one (or already gone: no error). */
  discard(incomingPath: string): Promise<void>;
  /** Every stored file and upload in progress, for the startup sweep (src/storage/sweep.ts). */
  list(): AsyncIterable<StoredItem>;
}

/**
 * A file in the store (`key`), or an upload still in progress (`key` null: a file, or a tool's working
 * folder of files), with when it was last written.
 */
export interface StoredItem {
  key: string | null;
  path: string;
  modifiedAt: Date;
}
