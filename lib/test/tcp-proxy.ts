/**
 * A loopback TCP proxy for "database down" tests: point a pool at the proxy, then `cut()`
 * (stop listening and reset every open connection, like a crashed or unreachable server)
 * and `restore()` (listen again on the same port) without touching the real PostgreSQL.
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
  close(): Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
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
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.resetAndDestroy();
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
    close: stopListening,
  };
}
