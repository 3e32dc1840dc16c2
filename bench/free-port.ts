import type { AddressInfo } from "node:net";
import net from "node:net";

/** A port free right now, for a server started as a child process (which cannot be asked for port 0's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
