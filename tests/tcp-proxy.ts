import { type AddressInfo, connect as tcpConnect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy between a client under test and its server, so a test can break the
 * network for that client alone: cut its connections, refuse new ones, or go silent
 * (connections stay open but nothing gets through until it ends, as in a partition: TCP
 * holds the bytes back, it does not lose them).
 */
export interface Proxy {
  port: number;
  cut(): void;
  /** Stops (or starts again) listening: new connections get ECONNREFUSED. */
  refuse(on: boolean): Promise<void>;
  silence(on: boolean): void;
  close(): Promise<void>;
}

export async function startProxy(host: string, port: number): Promise<Proxy> {
  const pairs = new Set<[Socket, Socket]>();
  let silent = false;
  const hold = ([a, b]: [Socket, Socket], on: boolean) => {
    for (const socket of [a, b]) on ? socket.pause() : socket.resume();
  };
  const server = createServer((client) => {
    client.on("error", () => {});
    const upstream = tcpConnect(port, host);
    upstream.on("error", () => {});
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (silent) hold(pair, true);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
  });
  const listen = (at: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(at, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  // Takes effect at once; close()'s callback would wait for the open connections to end.
  const stopListening = () => {
    if (server.listening) server.close();
    return Promise.resolve();
  };
  await listen(0);
  const own = (server.address() as AddressInfo).port;
  const cut = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port: own,
    cut,
    refuse: (on) => on ? stopListening() : listen(own),
    silence: (on) => {
      silent = on;
      for (const pair of pairs) hold(pair, on);
    },
    close: async () => {
      const stopped = stopListening();
      cut();
      await stopped;
    },
  };
}

/** A proxy in front of the server a URL names, and the same URL pointed at the proxy. */
export async function proxied(url: string, defaultPort: number) {
  const target = new URL(url);
  const proxy = await startProxy(target.hostname, Number(target.port || defaultPort));
  const via = new URL(url);
  via.hostname = "127.0.0.1";
  via.port = String(proxy.port);
  return { proxy, url: via.toString() };
}
