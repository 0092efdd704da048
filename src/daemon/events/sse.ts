// Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html):
// each event is `id:`, `event:` and one `data:` line per line of its data, then a blank line.
// A line break inside the data (LF, CR or CRLF: all three end a line for the reader) must start
// a new `data:` line, or the reader would take the rest as a field of its own.

const LINE_BREAK = /\r\n|\r|\n/;

export function sseEvent(id: number, type: string, data: string): string {
  if (LINE_BREAK.test(type)) throw new RangeError(`an SSE event name cannot contain a line break: ${JSON.stringify(type)}`);
  let frame = `id: ${id}\nevent: ${type}\n`;
  for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** A comment line: readers ignore it; it only keeps the connection busy. */
export const sseComment = (text: string): string => `: ${text.replace(/\r\n|\r|\n/g, ' ')}\n\n`;

export const sseRetry = (ms: number): string => `retry: ${ms}\n\n`;

export const HEARTBEAT = sseComment('heartbeat');
