// The JSON API from the pages: every call carries the page's bearer token
// (from <meta name="sb-token">, or one set by the embedding page) and the
// page's language; a problem-details answer becomes an ApiError with the
// stable code, the localised title and the per-field messages.

let token = document.querySelector('meta[name="sb-token"]')?.content || null;
export const lang = document.documentElement.lang === 'en' ? 'en' : 'ru';

export function setToken(value) { token = value; }
export function getToken() { return token; }

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code || 'network';
    this.title = problem?.title || '';
    this.fields = problem?.errors || problem?.fields || [];
  }
}

function headers(extra) {
  const h = { 'Accept': 'application/json', 'Accept-Language': lang, ...extra };
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

async function answer(response) {
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function get(path) {
  return answer(await fetch(path, { headers: headers() }));
}

export async function post(path, body) {
  return answer(await fetch(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json' }),
    body: JSON.stringify(body ?? {}),
  }));
}

// multipart: a JSON part named "data" and the files as "file" parts, with
// upload progress (0..1) reported to onProgress.
export function upload(path, data, files, onProgress) {
  const form = new FormData();
  form.append('data', new Blob([JSON.stringify(data)], { type: 'application/json' }));
  for (const f of files) form.append('file', f, f.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body));
    };
    xhr.send(form);
  });
}

// A localised text from the API ({ru, en} or a plain string).
export function local(text) {
  if (text == null) return '';
  if (typeof text === 'string') return text;
  return text[lang] || text.ru || '';
}

// A protected file (an attachment) as a blob: URL, fetched with the token:
// the chat frame on a host site has no cookie to send.
export async function blobUrl(path) {
  const r = await fetch(path, { headers: headers() });
  if (!r.ok) throw new ApiError(r.status, null);
  return URL.createObjectURL(await r.blob());
}
