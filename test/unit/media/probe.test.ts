import { expect } from "chai";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import { loadConfig, SYSTEM_FFPROBE } from "../../../src/config.js";
import { Semaphore } from "../../../src/lib/semaphore.js";
import { probeVideo, type ProbeSettings } from "../../../src/media/probe.js";

/** What a real ffprobe prints for a small H.264 video, as the stub binaries below print it. */
const FACTS_JSON = JSON.stringify({
  format: { duration: "125.0", format_name: "mov,mp4,m4a,3gp,3g2,mj2" },
  streams: [{ codec_type: "video", codec_name: "h264", width: 1920, height: 1080 }],
});

/** Waits (polling, not timing) until the condition holds; mocha's timeout fails a test that never gets there. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}

describe("probing uploads with ffprobe: bounded and timed out", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "sw-probe-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in ffprobe: a shell script with this body, in the test's folder. */
  const stub = (body: string): string => {
    const file = path.join(dir, "ffprobe");
    writeFileSync(file, `#!/bin/sh\nd='${dir}'\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const running = () => readdirSync(dir).filter((name) => name.startsWith("running.")).length;
  /** How many runs have recorded their start (the stub appends a line to `seen` once marked running). */
  const started = () => {
    const seen = path.join(dir, "seen");
    return existsSync(seen) ? readFileSync(seen, "utf8").trim().split("\n").length : 0;
  };

  for (const limit of [1, 2, 3]) {
    it(`twelve uploads probed at once never run more than ${limit} ffprobe at a time; the others wait their turn`, async function () {
      this.timeout(30_000);
      // Each run marks itself running, records how many are running (itself included), then holds
      // its slot until the test opens the gate.
      const settings: ProbeSettings = {
        ffprobePath: stub(
          [
            'touch "$d/running.$$"',
            `ls "$d" | grep -c '^running\\.' >> "$d/seen"`,
            'while [ ! -e "$d/gate" ]; do sleep 0.02; done',
            'rm -f "$d/running.$$"',
            `echo '${FACTS_JSON}'`,
          ].join("\n"),
        ),
        ffprobeMaxParallel: limit,
        ffprobeTimeoutMs: 30_000,
      };
      const probes = Array.from({ length: 12 }, () => probeVideo(settings, "/dev/null"));
      await until(() => started() >= limit);
      // Every slot is taken and held: exactly `limit` runs have started, the rest are queued.
      expect(running()).to.equal(limit);
      expect(started()).to.equal(limit);
      writeFileSync(path.join(dir, "gate"), "");
      const facts = await Promise.all(probes);
      expect(facts.every((f) => f?.videoCodec === "h264" && f.durationSeconds === 125)).to.equal(true);
      const seen = readFileSync(path.join(dir, "seen"), "utf8").trim().split("\n").map(Number);
      expect(seen).to.have.length(12);
      expect(Math.max(...seen)).to.equal(limit);
    });
  }

  it("a probe that runs past the time limit is killed, answers 'unreadable' and frees its slot", async function () {
    this.timeout(30_000);
    const settings: ProbeSettings = {
      // The first run hangs (as a crafted file could make ffprobe do); later runs answer at once.
      ffprobePath: stub(
        ['if [ ! -e "$d/hung.pid" ]; then echo $$ > "$d/hung.pid"; exec sleep 600; fi', `echo '${FACTS_JSON}'`].join(
          "\n",
        ),
      ),
      ffprobeMaxParallel: 1,
      ffprobeTimeoutMs: 500,
    };
    expect(await probeVideo(settings, "/dev/null")).to.equal(null);
    const pid = Number(readFileSync(path.join(dir, "hung.pid"), "utf8"));
    expect(() => process.kill(pid, 0), "the hung ffprobe still runs").to.throw(/ESRCH/);
    expect(await probeVideo(settings, "/dev/null")).to.include({ videoCodec: "h264", width: 1920 });
  });

  it("a semaphore hands a freed slot to the caller who waited longest", async () => {
    const bound = new Semaphore(1);
    const order: number[] = [];
    let release!: () => void;
    const first = bound.use(() => new Promise<void>((resolve) => (release = resolve)));
    const waiting = [1, 2, 3].map((n) => bound.use(() => Promise.resolve(order.push(n))));
    expect(order).to.deep.equal([]);
    release();
    await Promise.all([first, ...waiting]);
    expect(order).to.deep.equal([1, 2, 3]);
  });

  it("a failing run frees its slot too", async () => {
    const bound = new Semaphore(1);
    await bound.use(() => Promise.reject(new Error("crashed"))).catch(() => undefined);
    expect(await bound.use(() => Promise.resolve("next"))).to.equal("next");
  });
});

describe("which ffprobe, and its limits, from the configuration", () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "sw-config-probe-"));
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it("prefers Debian's ffprobe when installed over the bundled 2023 build, runs 2 at once for 60 s at most", () => {
    const config = loadConfig({ SESSION_SECRET: "test-secret-0123456789" }, cwd);
    expect(config.ffprobePath).to.equal(existsSync(SYSTEM_FFPROBE) ? SYSTEM_FFPROBE : ffprobeInstaller.path);
    expect(config).to.include({ ffprobeMaxParallel: 2, ffprobeTimeoutMs: 60_000 });
  });

  it("FFPROBE_PATH still chooses the binary; FFPROBE_MAX_PARALLEL and FFPROBE_TIMEOUT_SECONDS set the limits", () => {
    const env = {
      SESSION_SECRET: "test-secret-0123456789",
      FFPROBE_PATH: ffprobeInstaller.path,
      FFPROBE_MAX_PARALLEL: "4",
      FFPROBE_TIMEOUT_SECONDS: "20",
    };
    expect(loadConfig(env, cwd)).to.include({
      ffprobePath: ffprobeInstaller.path,
      ffprobeMaxParallel: 4,
      ffprobeTimeoutMs: 20_000,
    });
  });

  for (const [name, value] of [
    ["FFPROBE_MAX_PARALLEL", "0"],
    ["FFPROBE_MAX_PARALLEL", "many"],
    ["FFPROBE_TIMEOUT_SECONDS", "-5"],
  ]) {
    it(`refuses ${name}=${value} with a clear message`, () => {
      expect(() => loadConfig({ SESSION_SECRET: "test-secret-0123456789", [name]: value }, cwd)).to.throw(
        new RegExp(`${name} must be an integer`),
      );
    });
  }
});
