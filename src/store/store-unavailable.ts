/** Socket errors: the database's host or port cannot be reached now. */
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs of a server that is down, restarting or full: class 08 (connection
 * exception), 57P01–57P03 (shut down by the administrator or a crash, cannot connect now), 53300
 * (too many connections).
 */
const postgresStates = /^(08|57P0[123]$|53300$)/;
/** node-postgres' own errors for a connection that broke or never came; they carry no code. */
const postgresMessages = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;
/** SQLite: locked or busy past the busy timeout, a file that cannot be opened or read (its disk gone). */
const sqliteCodes = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR)/;

/** Tells whether an error says the store cannot be reached now, rather than that a query was wrong. */
export type UnavailableTest = (error: unknown) => boolean;

/** For PostgreSQL at `url`: its SQLSTATEs, node-postgres' connection errors, socket errors on the server's port. */
export function postgresUnavailable(url: string): UnavailableTest {
  const port = Number(new URL(url).port || 5432);
  return causedBy((error) => {
    const { code, port: errorPort } = error as { code?: unknown; port?: unknown };
    if (typeof code === 'string' && (postgresStates.test(code) || (networkCodes.has(code) && (errorPort ?? port) === port))) return true;
    return postgresMessages.test(error.message);
  });
}

export const sqliteUnavailable: UnavailableTest = causedBy((error) => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && sqliteCodes.test(code);
});

/** True when `error`, an error in its cause chain, or one of an AggregateError's errors matches. */
function causedBy(matches: (error: Error) => boolean): UnavailableTest {
  const test: UnavailableTest = (error) => {
    for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
      if (matches(current)) return true;
      if (current instanceof AggregateError && current.errors.some(test)) return true;
    }
    return false;
  };
  return test;
}
