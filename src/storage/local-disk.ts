import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, statfs } from "node:fs/promises";
import path from "node:path";
import { syncPath } from "../lib/files.js";
import type { Storage, StoredItem } from "./storage.js";

const ROOM_MARGIN = 1024 * 1024;

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY_FOLDER = /^[0-9a-f]{2}$/;

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
    // Whoever wrote it (a received upload, a tool's blind copy), what is stored is on disk: a file
    // already synced costs nothing more here.
    await syncPath(incomingPath);
    const created = await mkdir(path.dirname(target), { recursive: true });
    await rename(incomingPath, target);
    // The rename (and a new folder) last only once their folders are on disk too.
    if (created) await syncPath(this.root);
    await syncPath(path.dirname(target));
    return key;
  }

  pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error("malformed storage key");
    return path.join(this.root, key.slice(0, 2), key);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async hasRoomFor(bytes: number): Promise<boolean> {
    const disk = await statfs(this.root);
    // A PDF's copy passes through two working files: room for twice the file and a margin.
    return disk.bavail * disk.bsize >= 2 * bytes + ROOM_MARGIN;
  }

  async discard(incomingPath: string): Promise<void> {
    if (path.dirname(incomingPath) !== this.incomingDir) return;
    await rm(incomingPath, { recursive: true, force: true });
  }

  /** Only what this class names: anything else someone put under UPLOAD_DIR is not listed, so never swept. */
  async *list(): AsyncIterable<StoredItem> {
    const item = async (key: string | null, file: string): Promise<StoredItem | null> => {
      // Gone meanwhile (an upload finished or was discarded): nothing to list.
      const info = await stat(file).catch(() => null);
      return info?.isFile() ? { key, path: file, modifiedAt: info.mtime } : null;
    };
    for (const entry of await readdir(this.incomingDir, { withFileTypes: true })) {
      const at = path.join(this.incomingDir, entry.name);
      const found = entry.isDirectory() ? await workFolder(at) : await item(null, at);
      if (found) yield found;
    }
    for (const folder of await readdir(this.root, { withFileTypes: true })) {
      if (!folder.isDirectory() || !KEY_FOLDER.test(folder.name)) continue;
      for (const name of await readdir(path.join(this.root, folder.name))) {
        if (!KEY.test(name) || name.slice(0, 2) !== folder.name) continue;
        const found = await item(name, path.join(this.root, folder.name, name));
        if (found) yield found;
      }
    }
  }
}

/**
 * A tool's working folder beside an incoming path (src/media/anonymize.ts), left by a process killed while
 * the tool ran: an upload in progress too, written last when its newest file was (the folder's own time
 * changes only as files come and go, while a tool writes one file for minutes).
 */
async function workFolder(folder: string): Promise<StoredItem | null> {
  const info = await stat(folder).catch(() => null);
  if (!info) return null;
  let modifiedAt = info.mtime;
  for (const file of await readdir(folder).catch(() => [])) {
    const inside = await stat(path.join(folder, file)).catch(() => null);
    if (inside && inside.mtime > modifiedAt) modifiedAt = inside.mtime;
  }
  return { key: null, path: folder, modifiedAt };
}
