import net from 'node:net';

// A lean HTTP/1.1 client for the load benches. The load generator shares the
// machine with the app and PostgreSQL, so every microsecond it spends is taken
// from the server being measured, and fetch() or node:http cost several times
// what this client does per request. One request at a time per keep-alive socket
// (closed loop, no pipelining); Content-Length and chunked responses.

export interface BenchResponse {
  status: number;
  headers: { get(name: string): string | undefined };
  body: Buffer;
}

/**
 * Header lookups straight in the received bytes: no header string, no
 * lower-cased copy, no per-response map. A value is copied out as its own flat
 * string only when asked for, so a kept ETag does not retain the whole head.
 */
class RawHeaders {
  constructor(
    private readonly data: Buffer,
    private readonly headEnd: number,
  ) {}
  get(name: string): string | undefined {
    const { data, headEnd } = this;
    // Each header line starts after a CRLF; the status line is never a match.
    for (let line = data.indexOf(CRLF) + 2; line > 1 && line < headEnd;) {
      const next = data.indexOf(CRLF, line);
      const end = next < 0 || next > headEnd ? headEnd : next;
      if (data[line + name.length] === COLON && sameLetters(data, line, name)) {
        let start = line + name.length + 1;
        while (data[start] === SPACE) start++;
        return data.toString('latin1', start, end).trimEnd();
      }
      line = end + 2;
    }
    return undefined;
  }
}

const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);
const COLON = 0x3a;
const SPACE = 0x20;

/** The bytes at `at` spell `lowerName` (ASCII, any case). */
function sameLetters(data: Buffer, at: number, lowerName: string): boolean {
  for (let i = 0; i < lowerName.length; i++) {
    if ((data[at + i]! | 0x20) !== lowerName.charCodeAt(i)) return false;
  }
  return true;
}

export class BenchConnection {
  private socket: net.Socket | null = null;
  /** An incomplete response (a copy: the read buffer is reused). */
  private buffer: Buffer = EMPTY;
  /** One read buffer per connection, reused for every read: no allocation per read. */
  private readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  private waiting: { resolve: (r: BenchResponse) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly url: URL) {}

  private connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        port: Number(this.url.port || 80),
        host: this.url.hostname,
        noDelay: true,
        onread: {
          buffer: this.readBuffer,
          callback: (read: number, buffer: Uint8Array) => {
            this.onData(Buffer.from(buffer.buffer, buffer.byteOffset, read));
            return true; // keep reading
          },
        },
      });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
        const w = this.waiting;
        this.waiting = null;
        w?.reject(new Error('connection closed'));
      });
    });
  }

  async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string | Buffer,
  ): Promise<BenchResponse> {
    if (!this.socket) this.socket = await this.connect();
    const payload = body === undefined ? null : typeof body === 'string' ? Buffer.from(body) : body;
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (payload) head += `Content-Length: ${payload.length}\r\n`;
    head += '\r\n';
    this.buffer = EMPTY;
    const done = new Promise<BenchResponse>((resolve, reject) => (this.waiting = { resolve, reject }));
    // Head and body in one writev, without copying the body (a 130 KB batch copied
    // per request costs the generator fresh pages every time).
    this.socket.cork();
    this.socket.write(head, 'latin1');
    if (payload) this.socket.write(payload);
    this.socket.uncork();
    return done;
  }

  /** `chunk` is a view of the reused read buffer: anything kept past this call is copied. */
  private onData(chunk: Buffer) {
    const data = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const end = data.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) {
      this.buffer = data === chunk ? Buffer.from(chunk) : data;
      return;
    }
    // "HTTP/1.1 200 ...": the status is the three digits at bytes 9-11.
    const status = (data[9]! - 48) * 100 + (data[10]! - 48) * 10 + (data[11]! - 48);
    const headers = new RawHeaders(data, end);
    const rest = data.subarray(end + 4);
    let body: Buffer | null;
    if (headers.get('transfer-encoding') === 'chunked') body = dechunk(rest);
    else {
      const length = status === 204 || status === 304 ? 0 : Number(headers.get('content-length') ?? 0);
      body = rest.length >= length ? rest.subarray(0, length) : null;
    }
    if (!body) {
      this.buffer = data === chunk ? Buffer.from(chunk) : data; // wait for more
      return;
    }
    const w = this.waiting;
    this.waiting = null;
    this.buffer = EMPTY;
    if (headers.get('connection') === 'close') {
      this.socket?.destroy();
      this.socket = null;
    }
    // Still a view of the reused read buffer: the caller gets copies.
    const view = data === chunk;
    w.resolve({
      status,
      headers: view ? new RawHeaders(Buffer.from(data.subarray(0, end)), end) : headers,
      body: view ? Buffer.from(body) : body,
    });
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
