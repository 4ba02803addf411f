// Herald's public API, called with the subscriber's token; problems (RFC 9457) become ApiErrors.

const TOKEN = 'herald.portal.token';

export const SUBSCRIPTIONS = '/events/api/v1/subscriptions';

let whenUnauthorized = () => {};

export function onUnauthorized(handler) {
  whenUnauthorized = handler;
}

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN, value);
  } else {
    sessionStorage.removeItem(TOKEN);
  }
}

/** The token's claims, to say who is signed in (not checked here: Herald checks the token). */
export function claims() {
  try {
    const payload = token().split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return {};
  }
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Herald answered HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

/** Retry-After (seconds, or an HTTP date) as whole seconds from now; null when absent or unreadable. */
function retryAfterSeconds(value) {
  if (!value) {
    return null;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Calls Herald; answers the parsed body (or null), throws ApiError for a problem. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json', Authorization: `Bearer ${token()}` };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { detail: 'Herald could not be reached. Check the connection and try again.' });
  }
  const text = await response.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { detail: text.slice(0, 200) };
    }
  }
  if (response.status === 401) {
    whenUnauthorized();
    throw new ApiError(401, parsed);
  }
  if (!response.ok) {
    if (response.status === 429) {
      const wait = retryAfterSeconds(response.headers.get('Retry-After'));
      const error = new ApiError(429, { ...parsed, detail: `Too many requests; try again${wait !== null ? ` in ${wait} s` : ' shortly'}.` });
      error.retryAfter = wait;
      throw error;
    }
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}
