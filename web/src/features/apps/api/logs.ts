import { ApiError } from '../../../lib/http';
import { getToken } from '../../../lib/token';

export interface LogRequest {
  pod: string;
  container: string | null;
  tail: number;
  previous: boolean;
  follow: boolean;
}

/**
 * Reads a container's log as text, calling `onText` with each piece as it arrives (with `follow`, until
 * the container stops or `signal` aborts). Plain text, so it is read here rather than by apiRequest.
 */
export async function streamLogs(
  id: string,
  request: LogRequest,
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const params = new URLSearchParams({ pod: request.pod, tail: String(request.tail) });
  if (request.container) params.set('container', request.container);
  if (request.previous) params.set('previous', 'true');
  if (request.follow) params.set('follow', 'true');
  const token = getToken();
  const response = await fetch(`/api/v1/deployments/${encodeURIComponent(id)}/logs?${params}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal,
  });
  if (!response.ok) {
    let message = 'The log could not be read.';
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // Not the API's error shape: keep the sentence above.
    }
    throw new ApiError({ status: response.status, code: 'internal', message });
  }
  const reader = response.body?.getReader();
  if (!reader) {
    onText(await response.text());
    return;
  }
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onText(decoder.decode(value, { stream: true }));
  }
}
