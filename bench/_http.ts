import net from 'node:net';

// A lean HTTP/1.1 client for the load benches. The load generator shares the
// machine with the app and PostgreSQL, so every microsecond it spends is taken
// from the server being measured: fetch() costs ~100 us of CPU per request,
// node:http ~60 us, this ~15 us. One request at a time per keep-alive socket
// (closed loop, no pipelining); Content-Length and chunked responses.

export interface BenchResponse {
  status: number;
  headers: { get(name: string): string | undefined };
  body: Buffer;
}

/** Header lookups straight in the raw header block: no per-response map or line split. */
class RawHeaders {
  private readonly lower: string;
  constructor(private readonly head: string) {
    this.lower = head.toLowerCase();
  }
  get(name: string): string | undefined {
    const at = this.lower.indexOf(`\r\n${name}:`);
    if (at < 0) return undefined;
    const start = at + name.length + 3;
    const end = this.head.indexOf('\r\n', start);
    return this.head.slice(start, end < 0 ? undefined : end).trim();
  }
}

export class BenchConnection {
  private socket: net.Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: BenchResponse) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly url: URL) {}

  private connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(this.url.port || 80), this.url.hostname);
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
        const w = this.waiting;
        this.waiting = null;
        w?.reject(new Error('connection closed'));
      });
    });
  }

  async request(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<BenchResponse> {
    if (!this.socket) this.socket = await this.connect();
    const payload = body === undefined ? null : typeof body === 'string' ? Buffer.from(body) : body;
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (payload) head += `Content-Length: ${payload.length}\r\n`;
    head += '\r\n';
    this.buffer = Buffer.alloc(0);
    const done = new Promise<BenchResponse>((resolve, reject) => (this.waiting = { resolve, reject }));
    // Head and body in one writev, without copying the body (a 130 KB batch copied
    // per request costs the generator fresh pages every time).
    this.socket.cork();
    this.socket.write(head, 'latin1');
    if (payload) this.socket.write(payload);
    this.socket.uncork();
    return done;
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const headers = new RawHeaders(head);
    const rest = this.buffer.subarray(end + 4);
    let body: Buffer | null;
    if (headers.get('transfer-encoding') === 'chunked') body = dechunk(rest);
    else {
      const length = status === 204 || status === 304 ? 0 : Number(headers.get('content-length') ?? 0);
      body = rest.length >= length ? rest.subarray(0, length) : null;
    }
    if (!body) return; // wait for more
    const w = this.waiting;
    this.waiting = null;
    this.buffer = Buffer.alloc(0);
    if (headers.get('connection') === 'close') {
      this.socket?.destroy();
      this.socket = null;
    }
    w.resolve({ status, headers, body });
  }

  close() {
    this.socket?.destroy();
    this.socket = null;
  }
}

/** The body of a complete chunked message, or null while incomplete. */
function dechunk(data: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (size === 0) return data.indexOf('\r\n', eol + 2) >= 0 ? Buffer.concat(parts) : null;
    if (data.length < eol + 2 + size + 2) return null;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
