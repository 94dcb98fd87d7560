import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: Buffer;
}

/** A failure the listener answers the next messages with (a full mailbox, a greylist). */
export interface SmtpFailure {
  code: number;
  message: string;
  /** How many messages get it before the listener accepts again. @default 1 */
  times?: number;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package, which speaks the whole protocol)
 * that keeps what it receives, so tests read the exact bytes an adapter sent.
 */
export class SmtpListener {
  readonly received: CapturedMail[] = [];
  #server: SMTPServer;
  #failures: SmtpFailure[] = [];
  port = 0;

  constructor(options: { user?: string; password?: string } = {}) {
    this.#server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: !options.user,
      logger: false,
      size: 40 * 1024 * 1024,
      onAuth: (auth, _session, callback) => {
        if (auth.username === options.user && auth.password === options.password) return callback(null, { user: auth.username });
        return callback(new Error('Invalid username or password'));
      },
      onData: (stream: SMTPServerDataStream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const failure = this.#failures[0];
          if (failure) {
            failure.times = (failure.times ?? 1) - 1;
            if (failure.times <= 0) this.#failures.shift();
            const err = new Error(failure.message) as Error & { responseCode: number };
            err.responseCode = failure.code;
            return callback(err);
          }
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          this.received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
          callback();
        });
      },
    });
  }

  async listen(): Promise<this> {
    // A client that dies mid-session (a node killed with SIGKILL) resets its connection; the
    // server reports it as an 'error' event, which unhandled would crash the test process.
    this.#server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  /** Answers the next message(s) with an SMTP error instead of accepting them. */
  failNext(failure: SmtpFailure): void {
    this.#failures.push(failure);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
