import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";

export interface Config {
  port: number;
  databaseUrl: string | null;
  dataDir: string;
  uploadDir: string;
  sessionSecret: string;
  adminEmail: string | null;
  adminPassword: string | null;
  logLevel: string;
  trustProxy: boolean;
  /** ffprobe binary: FFPROBE_PATH, else the one shipped in the @ffprobe-installer package. */
  ffprobePath: string;
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
}

export class ConfigError extends Error {}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max = 1_000_000): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer between 1 and ${max}, got "${raw}"`);
  }
  return Number(raw);
}

/** Reads the session secret from data/, creating it once, so sessions survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function ffprobePath(env: NodeJS.ProcessEnv): string {
  const given = env.FFPROBE_PATH;
  if (given === undefined || given === "") return ffprobeInstaller.path;
  if (!existsSync(given)) throw new ConfigError(`FFPROBE_PATH does not exist: "${given}"`);
  return given;
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
  if (env.SESSION_SECRET !== undefined && env.SESSION_SECRET !== "" && env.SESSION_SECRET.length < 16) {
    throw new ConfigError("SESSION_SECRET must be at least 16 characters");
  }
  if (env.TRUST_PROXY !== undefined && !["", "0", "1", "true", "false"].includes(env.TRUST_PROXY)) {
    throw new ConfigError(`TRUST_PROXY must be true or false, got "${env.TRUST_PROXY}"`);
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
    trustProxy: env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true",
    ffprobePath: ffprobePath(env),
    loginMaxFailuresPerAccount: positiveInt(env, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
    loginMaxFailuresPerIp: positiveInt(env, "LOGIN_MAX_FAILURES_PER_IP", 30),
    loginWindowMinutes: positiveInt(env, "LOGIN_WINDOW_MINUTES", 15),
    // A school's computer room registers a class behind one address: a class an hour, not a script's thousands.
    registrationsPerIpPerHour: positiveInt(env, "REGISTRATIONS_PER_IP_PER_HOUR", 30, 10_000),
    objectionsPerUserPerContest: positiveInt(env, "OBJECTIONS_PER_USER_PER_CONTEST", 3, 100),
    objectionEvidenceMaxBytes: positiveInt(env, "OBJECTION_EVIDENCE_MAX_MB", 20, 100) * 1024 * 1024,
    connectionIdleSeconds: positiveInt(env, "CONNECTION_IDLE_SECONDS", 120, 3600),
  };
}
