import { Samples } from './_args';
import { BenchConnection } from './_http';

// The lookup bench's clients: C keep-alive connections, closed loop then open
// loop. Latencies go into preallocated arrays and ETags are copied out of the
// response bytes, so the generator's heap barely grows while it times: its own
// garbage-collection pauses would delay every answer it is timing. One thread:
// on two cores a second one competes with the server and PostgreSQL.

export interface ClientConfig {
  base: string;
  token: string;
  ids: string[];
  clients: number;
  seconds: number;
  revalidateShare: number;
  /** Requests/s of the open loop; 0 skips it. */
  rate: number;
}

export interface ClientResult {
  statuses: Record<number, number>;
  closed: Float64Array;
  ok: Float64Array;
  notModified: Float64Array;
  open: Float64Array;
}

export async function runClients(config: ClientConfig): Promise<ClientResult> {
  const { base, ids, clients, seconds, revalidateShare, rate } = config;
  // Per job (by index): its last ETag, and the jobs fetched so far. Kept in
  // preallocated arrays so the generator's own heap barely grows while it times.
  const etags: (string | undefined)[] = new Array(ids.length).fill(undefined);
  const known = new Int32Array(ids.length);
  let knownCount = 0;
  const statuses: Record<number, number> = {};
  const plain = { authorization: `Bearer ${config.token}` };
  const revalidating = { authorization: plain.authorization, 'if-none-match': '' };

  /** One lookup, returning its status; a share of them revalidates a job this run already fetched (a 304 when unchanged). */
  const lookupOnce = async (connection: BenchConnection): Promise<number> => {
    const revalidate = knownCount > 0 && Math.random() < revalidateShare;
    const index = revalidate
      ? known[Math.floor(Math.random() * knownCount)]!
      : Math.floor(Math.random() * ids.length);
    const etag = revalidate ? etags[index] : undefined;
    let headers: Record<string, string> = plain;
    if (etag) {
      revalidating['if-none-match'] = etag;
      headers = revalidating; // written to the socket before the next request changes it
    }
    const response = await connection.request('GET', `/api/v1/jobs/${ids[index]}/signal`, headers);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    if (response.status !== 200) return response.status;
    const tag = response.headers.get('etag');
    if (tag && etags[index] === undefined) known[knownCount++] = index;
    if (tag) etags[index] = tag;
    return 200;
  };

  const connections = Array.from({ length: clients }, () => new BenchConnection(new URL(base)));

  // Closed loop (the target's measure): each client sends its next request when the answer arrives.
  const closed = new Samples();
  const ok = new Samples();
  const notModified = new Samples();
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    connections.map(async (connection) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const status = await lookupOnce(connection);
        const took = performance.now() - started;
        closed.push(took);
        (status === 304 ? notModified : ok).push(took);
      }
    }),
  );

  // Open loop at a fixed rate: latency counted from when each request was due, so a
  // request that had to wait for the previous one on its connection pays for it.
  const open = new Samples();
  if (rate > 0) {
    const interval = (clients / rate) * 1000;
    const start = performance.now() + 50;
    const end = start + seconds * 1000;
    await Promise.all(
      connections.map(async (connection, c) => {
        for (let due = start + (c * interval) / clients; due < end; due += interval) {
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, Math.ceil(wait)));
          await lookupOnce(connection);
          open.push(performance.now() - due);
        }
      }),
    );
  }
  for (const connection of connections) connection.close();
  return {
    statuses,
    closed: closed.sorted(),
    ok: ok.sorted(),
    notModified: notModified.sorted(),
    open: open.sorted(),
  };
}
