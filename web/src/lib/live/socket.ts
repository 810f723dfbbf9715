import { z } from 'zod';
import type { LiveClientMessage, LiveServerMessage } from '../../api/types';
import { apiRequest } from '../http';
import { getToken } from '../token';

export type LiveListener = (message: LiveServerMessage) => void;

/** What a listener follows: the caller's whole list of deployments, or one deployment in detail. */
export type LiveTopic = { list: true } | { deploymentId: string };

const ticketSchema = z.object({ ticket: z.string(), expiresAt: z.string() });
const MAX_BACKOFF_MS = 30_000;

function topicKey(topic: LiveTopic): string {
  return 'list' in topic ? 'list' : `deployment:${topic.deploymentId}`;
}

function subscribeMessage(key: string): LiveClientMessage {
  return key === 'list'
    ? { type: 'subscribeList' }
    : ({ type: 'subscribe', deploymentId: key.slice('deployment:'.length) } as unknown as LiveClientMessage);
}

function unsubscribeMessage(key: string): LiveClientMessage {
  return key === 'list'
    ? { type: 'unsubscribeList' }
    : ({ type: 'unsubscribe', deploymentId: key.slice('deployment:'.length) } as unknown as LiveClientMessage);
}

/**
 * One WebSocket to `/api/v1/ws` shared by every page: opened with a one-time ticket when the first
 * listener arrives, closed when the last one leaves, reopened with back-off when it drops (a fresh
 * subscription brings fresh snapshots, so nothing missed meanwhile stays missed).
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private readonly topics = new Map<string, Set<LiveListener>>();
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connecting = false;

  private readonly createSocket: (url: string) => WebSocket;
  private readonly socketUrl: (ticket: string) => string;

  constructor(
    createSocket: (url: string) => WebSocket = (url) => new WebSocket(url),
    socketUrl: (ticket: string) => string = (ticket) =>
      `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/v1/ws?ticket=${encodeURIComponent(ticket)}`,
  ) {
    this.createSocket = createSocket;
    this.socketUrl = socketUrl;
  }

  /** Follows `topic`; the returned function stops following it. */
  listen(topic: LiveTopic, listener: LiveListener): () => void {
    const key = topicKey(topic);
    let listeners = this.topics.get(key);
    if (!listeners) {
      listeners = new Set();
      this.topics.set(key, listeners);
      this.send(subscribeMessage(key));
    }
    listeners.add(listener);
    this.ensureOpen();
    return () => {
      const current = this.topics.get(key);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.topics.delete(key);
        this.send(unsubscribeMessage(key));
      }
      if (this.topics.size === 0) this.close();
    };
  }

  private send(message: LiveClientMessage) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private ensureOpen() {
    if (this.socket || this.connecting || this.retryTimer !== undefined || getToken() === null) return;
    this.connecting = true;
    apiRequest('/api/v1/ws/ticket', { method: 'POST', body: {}, schema: ticketSchema })
      .then(({ ticket }) => {
        this.connecting = false;
        if (this.topics.size === 0) return;
        const socket = this.createSocket(this.socketUrl(ticket));
        this.socket = socket;
        socket.onopen = () => {
          this.failures = 0;
          for (const key of this.topics.keys()) this.send(subscribeMessage(key));
        };
        socket.onmessage = (event) => this.dispatch(event.data);
        socket.onclose = () => {
          if (this.socket === socket) this.socket = null;
          this.scheduleRetry();
        };
      })
      .catch(() => {
        this.connecting = false;
        this.scheduleRetry();
      });
  }

  private scheduleRetry() {
    if (this.topics.size === 0 || this.retryTimer !== undefined) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures);
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ensureOpen();
    }, delay);
  }

  private dispatch(data: unknown) {
    let message: LiveServerMessage;
    try {
      message = JSON.parse(String(data)) as LiveServerMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    const deploymentId = 'deploymentId' in message ? (message.deploymentId as string | null | undefined) : undefined;
    const keys = ['list', ...(deploymentId ? [`deployment:${deploymentId}`] : [])];
    for (const key of keys) for (const listener of this.topics.get(key) ?? []) listener(message);
  }

  private close() {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.failures = 0;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }
}

export const liveConnection = new LiveConnection();
