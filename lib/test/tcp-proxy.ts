/**
 * A loopback TCP proxy for "database down" tests: point a pool at the proxy, then
 * - `cut()`: stop listening and reset every open connection (a crashed or unreachable server),
 *   `restore()`: listen again on the same port;
 * - `blackhole(true)`: keep every connection open but forward nothing either way (a peer that
 *   silently stopped answering: no RST, no FIN), `blackhole(false)`: forward again;
 * - `cutOnCommit(true)`: reset a connection instead of forwarding its COMMIT (the transaction
 *   dies with everything before it already sent);
 * without touching the real PostgreSQL.
 */
import net from "node:net";

export type TcpProxy = {
  port: number;
  /** `url` with its host:port replaced by the proxy's. */
  rewriteUrl(url: string): string;
  /** Refuse new connections and destroy open ones. */
  cut(): Promise<void>;
  /** Accept connections again (same port). */
  restore(): Promise<void>;
  /** While on, bytes in both directions are dropped and connections stay open. */
  blackhole(on: boolean): void;
  /** While on, a simple-protocol COMMIT from the client resets that connection instead of reaching the server. */
  cutOnCommit(on: boolean): void;
  close(): Promise<void>;
};

// A simple-protocol Query message carrying COMMIT: 'Q', int32 length, "COMMIT\0".
const COMMIT_QUERY = Buffer.from("COMMIT\0");

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let isBlackholed = false;
  let isCuttingOnCommit = false;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    client.on("data", (chunk: Buffer) => {
      if (isBlackholed) return;
      if (isCuttingOnCommit && chunk.includes(COMMIT_QUERY)) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!isBlackholed) client.write(chunk);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.resetAndDestroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  const port = await listen(0);
  return {
    port,
    rewriteUrl(url) {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: stopListening,
    async restore() {
      if (!server.listening) await listen(port);
    },
    blackhole(on) {
      isBlackholed = on;
    },
    cutOnCommit(on) {
      isCuttingOnCommit = on;
    },
    close() {
      isBlackholed = false;
      return stopListening();
    },
  };
}
