import { ParleyError } from './errors.js';

/** Upload progress: bytes sent so far and the total (total may be 0 when unknown). */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** What an uploader receives. `file` is a Blob/File, or a local file path in mini-programs. */
export interface UploadRequest {
  url: string;
  token: string;
  file: Blob | string;
  fileName: string;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** The raw answer of an upload: HTTP status and parsed JSON body. */
export interface UploadResponse {
  status: number;
  body: unknown;
}

/**
 * Sends `POST /media` as multipart with the field `file`. Resolves with any HTTP status; rejects
 * only on network failure or abort.
 */
export type Uploader = (request: UploadRequest) => Promise<UploadResponse>;

const parse = (text: string): unknown => {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Uploads with XMLHttpRequest, which reports upload progress (browsers). */
export const xhrUploader: Uploader = (request) =>
  new Promise((resolve, reject) => {
    if (typeof request.file === 'string') throw new ParleyError('VALIDATION_FAILED', 'xhrUploader needs a Blob');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', request.url);
    xhr.setRequestHeader('authorization', `Bearer ${request.token}`);
    xhr.upload.onprogress = (e) => request.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.onload = () => resolve({ status: xhr.status, body: parse(xhr.responseText) });
    xhr.onerror = () => reject(new ParleyError('NETWORK', 'upload failed'));
    xhr.onabort = () => reject(new ParleyError('ABORTED', 'upload aborted'));
    request.signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', request.file, request.fileName);
    xhr.send(form);
  });

/** Uploads with fetch (Node, workers): progress is reported only at the start and the end. */
export const fetchUploader: Uploader = async (request) => {
  if (typeof request.file === 'string') throw new ParleyError('VALIDATION_FAILED', 'fetchUploader needs a Blob');
  const form = new FormData();
  form.append('file', request.file, request.fileName);
  const total = request.file.size;
  request.onProgress?.({ loaded: 0, total });
  let response: Response;
  try {
    const init: RequestInit = { method: 'POST', headers: { authorization: `Bearer ${request.token}` }, body: form };
    if (request.signal) init.signal = request.signal;
    response = await fetch(request.url, init);
  } catch (cause) {
    if (request.signal?.aborted) throw new ParleyError('ABORTED', 'upload aborted', { cause });
    throw new ParleyError('NETWORK', `upload failed: ${String(cause)}`, { cause });
  }
  const body = parse(await response.text());
  if (response.ok) request.onProgress?.({ loaded: total, total });
  return { status: response.status, body };
};

/** XMLHttpRequest where it exists, fetch otherwise. */
export const defaultUploader: Uploader = (request) =>
  typeof XMLHttpRequest !== 'undefined' ? xhrUploader(request) : fetchUploader(request);

/** The subset of `wx` / `uni` used by `miniProgramUploader`. */
export interface MiniProgramUploadApi {
  uploadFile(options: {
    url: string;
    filePath: string;
    name: string;
    header: Record<string, string>;
    success: (res: { statusCode: number; data: string }) => void;
    fail: (err: { errMsg?: string }) => void;
  }): { onProgressUpdate?: (cb: (res: { totalBytesSent: number; totalBytesExpectedToSend: number }) => void) => void; abort?: () => void };
}

/** Uploads a local file path with `wx.uploadFile` / `uni.uploadFile`, with progress. */
export function miniProgramUploader(api: MiniProgramUploadApi): Uploader {
  return (request) =>
    new Promise((resolve, reject) => {
      if (typeof request.file !== 'string') throw new ParleyError('VALIDATION_FAILED', 'miniProgramUploader needs a file path');
      const task = api.uploadFile({
        url: request.url,
        filePath: request.file,
        name: 'file',
        header: { authorization: `Bearer ${request.token}` },
        success: (res) => resolve({ status: res.statusCode, body: parse(res.data) }),
        fail: (err) => reject(new ParleyError('NETWORK', `upload failed: ${err.errMsg ?? ''}`)),
      });
      task.onProgressUpdate?.((p) => request.onProgress?.({ loaded: p.totalBytesSent, total: p.totalBytesExpectedToSend }));
      request.signal?.addEventListener('abort', () => task.abort?.());
    });
}
