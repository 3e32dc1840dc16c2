import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import { isStrongPassword } from "./accounts/passwords.js";
import { translate } from "./lib/i18n.js";

export interface Config {
  port: number;
  databaseUrl: string | null;
  dataDir: string;
  uploadDir: string;
  sessionSecret: string;
  adminEmail: string | null;
  adminPassword: string | null;
  logLevel: string;
  /**
   * Express's `trust proxy`: false (the client is whoever connects), a number of proxy hops in front
   * of the app, or the proxies' addresses and CIDRs. Never "any": X-Forwarded-For from anyone else is ignored.
   */
  trustProxy: false | number | string[];
  /** ffprobe binary: FFPROBE_PATH, else Debian's /usr/bin/ffprobe when installed, else the one in @ffprobe-installer. */
  ffprobePath: string;
  /** At most this many ffprobe runs at once (each parses an untrusted upload); the others wait their turn. */
  ffprobeMaxParallel: number;
  /** A probe still running after this long is killed and the file taken as unreadable. */
  ffprobeTimeoutMs: number;
  /** Failed logins allowed per account, and per client address, in the window before 429. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginWindowMinutes: number;
  /** New accounts one client address may register in an hour (each costs an argon2 hash). */
  registrationsPerIpPerHour: number;
  /** Objections one person may file in one contest, and the largest evidence file, in bytes. */
  objectionsPerUserPerContest: number;
  objectionEvidenceMaxBytes: number;
  /**
   * Seconds a connection may sit without a byte arriving before it is closed. Requests have no
   * whole-request limit (a 500 MB video at 2 Mbit/s takes over half an hour); a stalled upload ends here.
   */
  connectionIdleSeconds: number;
  /** After SIGTERM, how long requests in flight may take to finish before the process exits anyway (with 1). */
  shutdownGraceMs: number;
  /**
   * The startup sweep (src/storage/sweep.ts) leaves files written more recently than this: 0 on SQLite
   * (one process, swept before it serves), 15 minutes on PostgreSQL, where other processes sharing
   * UPLOAD_DIR may be writing them (an upload in progress writes at least every connectionIdleSeconds).
   */
  uploadSweepMinAgeSeconds: number;
  /** The tools that make the judges' anonymized copies of uploaded files (DESIGN §4 "Blind files"). */
  metadataTools: MetadataTools;
  /** Sent as X-App-Instance on every answer, so that behind a load balancer one can tell which process answered. */
  instanceName: string;
}

/** Binaries from Debian's mat2, libimage-exiftool-perl, qpdf and ffmpeg packages: MAT2_PATH, EXIFTOOL_PATH, QPDF_PATH, FFMPEG_PATH. */
export interface MetadataTools {
  mat2: string;
  exiftool: string;
  qpdf: string;
  ffmpeg: string;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return Number(raw);
}

const positiveInt = (env: NodeJS.ProcessEnv, name: string, fallback: number, max = 1_000_000): number =>
  intSetting(env, name, fallback, 1, max);

/** Reads the session secret from data/, creating it once, so sessions survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Debian's ffprobe gets security updates; the bundled one is a 2023 nightly build. Both parse files
 * that strangers upload, so the packaged one is preferred when present.
 */
export const SYSTEM_FFPROBE = "/usr/bin/ffprobe";

function ffprobePath(env: NodeJS.ProcessEnv): string {
  const given = env.FFPROBE_PATH;
  if (given === undefined || given === "") return existsSync(SYSTEM_FFPROBE) ? SYSTEM_FFPROBE : ffprobeInstaller.path;
  if (!existsSync(given)) throw new ConfigError(`FFPROBE_PATH does not exist: "${given}"`);
  return given;
}

/** Express's names for the private ranges a proxy in front of the app usually sits in. */
const PROXY_RANGE_NAMES = ["loopback", "linklocal", "uniquelocal"];

function isAddressOrCidr(item: string): boolean {
  if (PROXY_RANGE_NAMES.includes(item)) return true;
  const [address, bits, ...rest] = item.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: unset, "false" or "0" trusts no proxy; a number is the count of proxies in front of the
 * app (the client is the address that many hops back in X-Forwarded-For); a comma-separated list names
 * the proxies (addresses, CIDRs, or loopback/linklocal/uniquelocal). "true" (believe any X-Forwarded-For,
 * so anyone can pick the address the login limit counts) is refused.
 */
function trustProxy(raw: string | undefined): false | number | string[] {
  const value = (raw ?? "").trim();
  if (value === "" || value === "false" || value === "0") return false;
  if (/^\d+$/.test(value)) {
    if (Number(value) > 10)
      throw new ConfigError(`TRUST_PROXY as a number of proxy hops must be 0 to 10, got "${value}"`);
    return Number(value);
  }
  if (value === "true") {
    throw new ConfigError(
      "TRUST_PROXY=true would believe any X-Forwarded-For; give the number of proxies in front of the app (for one: TRUST_PROXY=1) or their addresses (TRUST_PROXY=10.0.0.2,10.1.0.0/16)",
    );
  }
  const items = value.split(",").map((item) => item.trim());
  const bad = items.filter((item) => !isAddressOrCidr(item));
  if (bad.length > 0) {
    throw new ConfigError(
      `TRUST_PROXY must be a number of proxy hops or a comma-separated list of proxy addresses or CIDRs, got "${bad.join(", ")}"`,
    );
  }
  return items;
}

/**
 * A tool's binary: the variable if set, else Debian's path. A missing tool does not stop the start (the
 * quick start needs none of them): the server warns at start, and an upload that needs it is refused
 * (422) rather than ever showing a judge the original.
 */
function toolPath(env: NodeJS.ProcessEnv, name: string, debianPath: string): string {
  const given = env[name];
  return given === undefined || given === "" ? debianPath : given;
}

/** The metadata tools that are not installed, with the Debian package that brings each. */
export function missingMetadataTools(tools: MetadataTools): string[] {
  const packages: Record<keyof MetadataTools, string> = {
    mat2: "mat2",
    exiftool: "libimage-exiftool-perl",
    qpdf: "qpdf",
    ffmpeg: "ffmpeg",
  };
  return (Object.keys(packages) as (keyof MetadataTools)[])
    .filter((tool) => !existsSync(tools[tool]))
    .map((tool) => `${tools[tool]} (Debian: ${packages[tool]})`);
}

function metadataTools(env: NodeJS.ProcessEnv): MetadataTools {
  return {
    mat2: toolPath(env, "MAT2_PATH", "/usr/bin/mat2"),
    exiftool: toolPath(env, "EXIFTOOL_PATH", "/usr/bin/exiftool"),
    qpdf: toolPath(env, "QPDF_PATH", "/usr/bin/qpdf"),
    ffmpeg: toolPath(env, "FFMPEG_PATH", "/usr/bin/ffmpeg"),
  };
}

/** INSTANCE_NAME, else `<hostname>:<pid>`; printable ASCII only, as it goes into a header. */
function instanceName(raw: string | undefined): string {
  if (raw === undefined || raw === "") return `${os.hostname()}:${process.pid}`;
  if (!/^[\x21-\x7e]{1,100}$/.test(raw)) {
    throw new ConfigError(`INSTANCE_NAME must be 1 to 100 printable ASCII characters without spaces, got "${raw}"`);
  }
  return raw;
}

/** The only reader of process.env: parses and validates once, throwing ConfigError with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const port = env.PORT === undefined || env.PORT === "" ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  const databaseUrl = env.DATABASE_URL ? env.DATABASE_URL : null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// or postgresql:// (leave it unset for SQLite), got "${databaseUrl.split("@").pop()}"`,
    );
  }
  const dataDir = path.resolve(cwd, env.DATA_DIR || "data");
  const uploadDir = path.resolve(cwd, env.UPLOAD_DIR || "uploads");
  const logLevel = env.LOG_LEVEL || "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }
  const adminEmail = env.ADMIN_EMAIL || null;
  const adminPassword = env.ADMIN_PASSWORD || null;
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError("ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  if (adminEmail !== null && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    throw new ConfigError(`ADMIN_EMAIL is not an e-mail address: "${adminEmail}"`);
  }
  // The organizer's password guards every contest: the same strength rule as any registration.
  if (adminEmail !== null && adminPassword !== null && !isStrongPassword(adminPassword, adminEmail)) {
    throw new ConfigError(`ADMIN_PASSWORD is refused. ${translate("en", "errors.weakPassword")}`);
  }
  if (env.SESSION_SECRET !== undefined && env.SESSION_SECRET !== "" && env.SESSION_SECRET.length < 16) {
    throw new ConfigError("SESSION_SECRET must be at least 16 characters");
  }
  return {
    port,
    databaseUrl,
    dataDir,
    uploadDir,
    sessionSecret: env.SESSION_SECRET || persistentSecret(dataDir),
    adminEmail,
    adminPassword,
    logLevel,
    trustProxy: trustProxy(env.TRUST_PROXY),
    ffprobePath: ffprobePath(env),
    ffprobeMaxParallel: positiveInt(env, "FFPROBE_MAX_PARALLEL", 2, 64),
    ffprobeTimeoutMs: positiveInt(env, "FFPROBE_TIMEOUT_SECONDS", 60, 3600) * 1000,
    loginMaxFailuresPerAccount: positiveInt(env, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
    loginMaxFailuresPerIp: positiveInt(env, "LOGIN_MAX_FAILURES_PER_IP", 30),
    loginWindowMinutes: positiveInt(env, "LOGIN_WINDOW_MINUTES", 15),
    metadataTools: metadataTools(env),
    // A school's computer room registers a class behind one address: a class an hour, not a script's thousands.
    registrationsPerIpPerHour: positiveInt(env, "REGISTRATIONS_PER_IP_PER_HOUR", 30, 10_000),
    objectionsPerUserPerContest: positiveInt(env, "OBJECTIONS_PER_USER_PER_CONTEST", 3, 100),
    objectionEvidenceMaxBytes: positiveInt(env, "OBJECTION_EVIDENCE_MAX_MB", 20, 100) * 1024 * 1024,
    connectionIdleSeconds: positiveInt(env, "CONNECTION_IDLE_SECONDS", 120, 3600),
    instanceName: instanceName(env.INSTANCE_NAME),
    // Under systemd's default 90 s stop timeout, and the 30 s a Kubernetes pod gets, with room to close.
    shutdownGraceMs: positiveInt(env, "SHUTDOWN_GRACE_MS", 25_000, 600_000),
    uploadSweepMinAgeSeconds: intSetting(env, "UPLOAD_SWEEP_MIN_AGE_SECONDS", databaseUrl ? 900 : 0, 0, 1_000_000),
  };
}
