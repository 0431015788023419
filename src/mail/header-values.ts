// What may stand in a mail header. A line break in a subject or From lets whoever wrote it add
// headers of their own (Bcc:, a second From:) or a body: header injection. Values are refused
// where they enter (config, the sites API) and collapsed once more where mail leaves, for values
// stored before those checks existed.

/** Every C0/C1 control character (CR, LF, NUL, TAB...) and the Unicode line and paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const CONTROL_RUNS = /[\p{Cc}\u2028\u2029]+/gu;

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

/** The value with every run of control characters collapsed to one space. */
export function headerSafe(value: string): string {
  return value.replace(CONTROL_RUNS, ' ');
}

// An address, or a display name and an address in angle brackets.
const MAILBOX = /^([^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/** "Name <a@b.example>" or a bare address, with no control character anywhere. */
export function isSenderAddress(value: string): boolean {
  return !hasControlCharacters(value) && MAILBOX.test(value);
}
