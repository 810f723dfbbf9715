import { afterEach, describe, expect, it, vi } from 'vitest';
import { setToken } from '../token';
import { json, mockApi } from '../../test/mockApi';
import { LiveConnection } from './socket';

/** A WebSocket stand-in the test drives: it records what the client sends. */
class FakeSocket {
  static readonly OPEN = 1;
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

function setUp() {
  setToken('tok');
  vi.stubGlobal('WebSocket', FakeSocket);
  let ticket = 0;
  const api = mockApi({ 'POST /api/v1/ws/ticket': () => json(201, { ticket: `t${++ticket}`, expiresAt: '2026-11-30T10:00:30Z' }) });
  const sockets: FakeSocket[] = [];
  const connection = new LiveConnection(
    (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
    (ticketValue) => `ws://test/api/v1/ws?ticket=${ticketValue}`,
  );
  return { api, sockets, connection };
}

afterEach(() => vi.useRealTimers());

describe('LiveConnection', () => {
  it('opens with a ticket, subscribes, and hands each listener the messages of its topic', async () => {
    const { sockets, connection } = setUp();
    const list = vi.fn();
    const one = vi.fn();
    connection.listen({ list: true }, list);
    connection.listen({ deploymentId: 'd1' }, one);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    expect(sockets[0]!.url).toBe('ws://test/api/v1/ws?ticket=t1');
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([{ type: 'subscribeList' }, { type: 'subscribe', deploymentId: 'd1' }]);

    const status = { type: 'status', seq: 1, deploymentId: 'd1', status: 'ready', reason: null };
    sockets[0]!.receive(status);
    sockets[0]!.receive({ type: 'status', seq: 2, deploymentId: 'd2', status: 'failed', reason: 'x' });
    expect(one).toHaveBeenCalledTimes(1);
    expect(one).toHaveBeenCalledWith(status);
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('unsubscribes a topic when its last listener leaves and closes when nobody listens', async () => {
    const { sockets, connection } = setUp();
    const stopList = connection.listen({ list: true }, () => {});
    const stopOne = connection.listen({ deploymentId: 'd1' }, () => {});
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.open();
    stopOne();
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'unsubscribe', deploymentId: 'd1' });
    stopList();
    expect(sockets[0]!.readyState).toBe(3);
  });

  it('reconnects with a new ticket after the connection drops and subscribes again', async () => {
    const { api, sockets, connection } = setUp();
    connection.listen({ list: true }, () => {});
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.open();
    vi.useFakeTimers();
    sockets[0]!.drop();
    await vi.advanceTimersByTimeAsync(1000);
    vi.useRealTimers();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(api.calls('POST', '/api/v1/ws/ticket')).toHaveLength(2);
    sockets[1]!.open();
    expect(sockets[1]!.sent).toEqual([{ type: 'subscribeList' }]);
  });
});
