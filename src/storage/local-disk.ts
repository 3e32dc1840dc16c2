import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Storage } from "./storage.js";

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Files under UPLOAD_DIR/<first two key characters>/<key>; uploads in progress under UPLOAD_DIR/.incoming. */
export class LocalDiskStorage implements Storage {
  private readonly incomingDir: string;

  constructor(private readonly root: string) {
    this.incomingDir = path.join(root, ".incoming");
    mkdirSync(this.incomingDir, { recursive: true });
  }

  incomingPath(): string {
    return path.join(this.incomingDir, randomUUID());
  }

  async adopt(incomingPath: string): Promise<string> {
    if (path.dirname(incomingPath) !== this.incomingDir) throw new Error("not an incoming upload");
    const key = randomUUID();
    const target = this.pathOf(key);
    const created = await mkdir(path.dirname(target), { recursive: true });
    await rename(incomingPath, target);
    // The rename (and a new folder) last only once their folders are on disk too.
    if (created) await syncFolder(this.root);
    await syncFolder(path.dirname(target));
    return key;
  }

  pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error("malformed storage key");
    return path.join(this.root, key.slice(0, 2), key);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async discard(incomingPath: string): Promise<void> {
    if (path.dirname(incomingPath) !== this.incomingDir) return;
    await rm(incomingPath, { force: true });
  }
}
