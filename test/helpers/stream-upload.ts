import http from "node:http";
import type { TestApp } from "./app.js";

export interface StreamedUpload {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
  /** Bytes of the body the client had handed to the socket when the response arrived. */
  sentWhenAnswered: number;
  /** The whole body's size, as declared in Content-Length. */
  total: number;
}

const CHUNK = 64 * 1024;

/**
 * POSTs a multipart body with the text fields first and then one file part of `fileBytes` zero bytes,
 * generated on the fly and written as fast as the server takes it (respecting backpressure). Stops
 * writing as soon as the response arrives, and reports how much had been sent by then: a server that
 * refuses before reading the file answers long before the client is done.
 */
export function streamUpload(
  app: TestApp,
  options: {
    /** POST unless given. */
    method?: string;
    path: string;
    headers: Record<string, string>;
    fields: Record<string, string>;
    file: { role: string; name: string; bytes: number };
  },
): Promise<StreamedUpload> {
  const boundary = "----swstreamboundary";
  const head = Buffer.from(
    Object.entries(options.fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join("") +
      `--${boundary}\r\nContent-Disposition: form-data; name="${options.file.role}"; filename="${options.file.name}"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = head.length + options.file.bytes + tail.length;
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: options.method ?? "POST",
      path: options.path,
      headers: {
        ...options.headers,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
        "Content-Length": String(total),
      },
    });
    req.on("response", (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: StreamedUpload["body"];
        try {
          body = JSON.parse(text) as StreamedUpload["body"];
        } catch {
          body = { text };
        }
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sentWhenAnswered, total });
      });
    });
    // Once answered, the server may close while the client is still writing: not a failure of the test.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const zeros = Buffer.alloc(CHUNK);
    const write = (buffer: Buffer): boolean => {
      sent += buffer.length;
      return req.write(buffer);
    };
    let left = options.file.bytes;
    const pump = (): void => {
      while (!answered && left > 0) {
        const piece = left >= CHUNK ? zeros : zeros.subarray(0, left);
        left -= piece.length;
        if (!write(piece)) return void req.once("drain", pump);
      }
      if (!answered && left === 0) {
        sent += tail.length;
        req.end(tail);
      }
    };
    if (write(head)) pump();
    else req.once("drain", pump);
  });
}
