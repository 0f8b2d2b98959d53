/** One field-level problem: `path` is the dotted path of the offending field (e.g. `contacts.0.phone`). */
export type ErrorDetail = { path: string; message: string; messageEn: string; code?: string };

/**
 * The platform's one error type. Every failure a caller can see is an AppError: it carries an HTTP status, a
 * stable code, a Chinese and an English message and, for input errors, every offending field.
 */
export class AppError extends Error {
  /** Seconds after which the caller may try again, sent as `Retry-After` (429 and 503 answers). */
  retryAfter?: number;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageZh: string,
    readonly messageEn: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(messageEn);
    this.name = 'AppError';
  }

  static validation(details: ErrorDetail[]): AppError {
    return new AppError(
      400,
      'VALIDATION_FAILED',
      '输入数据有误，请检查标出的字段',
      'Invalid input: see the listed fields',
      details,
    );
  }
  static field(path: string, message: string, messageEn: string, code?: string): AppError {
    return AppError.validation([{ path, message, messageEn, ...(code ? { code } : {}) }]);
  }
  static notFound(what = 'resource', whatZh = '资源'): AppError {
    return new AppError(404, 'NOT_FOUND', `${whatZh}不存在`, `${what} not found`);
  }
  static unauthenticated(): AppError {
    return new AppError(401, 'UNAUTHENTICATED', '请先登录或提供有效的 API 密钥', 'Sign in or present a valid API key');
  }
  static forbidden(): AppError {
    return new AppError(403, 'FORBIDDEN', '当前身份无权执行此操作', 'Your role may not perform this action');
  }
  static conflict(code: string, messageZh: string, messageEn: string): AppError {
    return new AppError(409, code, messageZh, messageEn);
  }
  /** 429 with `Retry-After: retryAfter` (whole seconds). */
  static tooMany(
    code: string,
    messageZh: string,
    messageEn: string,
    retryAfter: number,
    details: ErrorDetail[] = [],
  ): AppError {
    const e = new AppError(429, code, messageZh, messageEn, details);
    e.retryAfter = retryAfter;
    return e;
  }
}

export type ErrorBody = {
  error: { code: string; message: string; messageEn: string; details: ErrorDetail[]; requestId: string };
};

export function errorBody(e: AppError, requestId: string): ErrorBody {
  return { error: { code: e.code, message: e.messageZh, messageEn: e.messageEn, details: e.details, requestId } };
}
