// Sent room messages waiting for the server's echo, per room, oldest first. The server sends a room
// message back to every member, the sender included, in the order it got them: the echo of our text
// settles the oldest wait for that text in that room. Each wait ends by its echo, its deadline, or
// the room going away; never silently.

import { ClientError, TimeoutError } from '../../client/index.ts';

interface Wait<T> {
  text: string;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class EchoWaits<T> {
  readonly #byRoom = new Map<string, Wait<T>[]>();
  readonly #timeoutMs: number;
  readonly #maxPerRoom: number;

  constructor(timeoutMs: number, maxPerRoom: number) {
    this.#timeoutMs = timeoutMs;
    this.#maxPerRoom = maxPerRoom;
  }

  /** Throws BUSY when the room has too many waiting already; call before sending. */
  checkRoom(room: string): void {
    if ((this.#byRoom.get(room)?.length ?? 0) >= this.#maxPerRoom) {
      throw new ClientError('BUSY', `${this.#maxPerRoom} messages to ${JSON.stringify(room)} are still waiting for the server; try again in a moment`);
    }
  }

  /** Waits for the echo of `text` in `room`; rejects with TIMEOUT if none comes in time. */
  wait(room: string, text: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const wait: Wait<T> = {
        text,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#remove(room, wait);
          reject(new TimeoutError(`the server's echo of a message to room ${JSON.stringify(room)}`, this.#timeoutMs));
        }, this.#timeoutMs),
      };
      const queue = this.#byRoom.get(room) ?? [];
      queue.push(wait);
      this.#byRoom.set(room, queue);
    });
  }

  /** Our message `text` came back in `room`: settles the oldest wait for it, if any. */
  echoed(room: string, text: string, value: T): void {
    const wait = this.#byRoom.get(room)?.find((w) => w.text === text);
    if (wait === undefined) return;
    this.#remove(room, wait);
    wait.resolve(value);
  }

  /** Fails every wait of `room` (we left it), or of every room when `room` is undefined (closing). */
  fail(room: string | undefined, error: (room: string) => Error): void {
    for (const name of room === undefined ? [...this.#byRoom.keys()] : [room]) {
      for (const wait of this.#byRoom.get(name) ?? []) {
        clearTimeout(wait.timer);
        wait.reject(error(name));
      }
      this.#byRoom.delete(name);
    }
  }

  #remove(room: string, wait: Wait<T>): void {
    clearTimeout(wait.timer);
    const queue = this.#byRoom.get(room);
    if (queue === undefined) return;
    const index = queue.indexOf(wait);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this.#byRoom.delete(room);
  }
}
