import { Alert } from 'antd';
import type { FormInstance } from 'antd/es/form';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, detailText, type ErrorDetail, errorText } from '../api';

type NamePath = (string | number)[];

/** `contacts.0.phone` → ['contacts', 0, 'phone'] (an antd Form name path). */
export function toNamePath(path: string): NamePath {
  return path
    .split('.')
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Puts a 400's field details (`error.details[].path`) onto the form's fields, in the current language. Details whose
 * path is no field of the form, and errors without details, are returned for an Alert. When the language changes,
 * the messages still shown are switched to the new language.
 */
export function useServerErrors(form: FormInstance) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [unmapped, setUnmapped] = useState<ErrorDetail[]>([]);
  const mapped = useRef<{ details: ErrorDetail[]; lang: string }>({ details: [], lang });
  const alertRef = useRef<HTMLDivElement>(null);

  const put = useCallback(
    (details: ErrorDetail[], inLang: string, onlyIfShowing?: string) => {
      const byPath = new Map<string, string[]>();
      for (const d of details) {
        const name = toNamePath(d.path);
        if (onlyIfShowing !== undefined) {
          const old = detailText(d, onlyIfShowing);
          if (!form.getFieldError(name).includes(old)) continue;
        }
        const list = byPath.get(d.path) ?? [];
        list.push(detailText(d, inLang));
        byPath.set(d.path, list);
      }
      // the platform's verdict replaces the form's own warnings on that field (the same check, said once)
      if (byPath.size > 0) {
        form.setFields([...byPath].map(([p, errors]) => ({ name: toNamePath(p), errors, warnings: [] })));
      }
    },
    [form],
  );

  /** Shows an error thrown by an API call; returns true when every problem went to a field. */
  const show = useCallback(
    (err: unknown): boolean => {
      if (!(err instanceof ApiError)) {
        setError(err instanceof Error ? err : new Error(String(err)));
        setUnmapped([]);
        setTimeout(() => alertRef.current?.scrollIntoView({ block: 'center', behavior: 'smooth' }), 50);
        return false;
      }
      const registered = new Set(form.getFieldsError().map((f) => f.name.join('.')));
      const onFields = err.details.filter((d) => d.path && registered.has(d.path));
      const rest = err.details.filter((d) => !(d.path && registered.has(d.path)));
      put(onFields, lang);
      mapped.current = { details: onFields, lang };
      setUnmapped(rest);
      setError(err.details.length === 0 || rest.length > 0 ? err : null);
      const first = onFields[0];
      if (first) form.scrollToField(toNamePath(first.path), { block: 'center', behavior: 'smooth' });
      else setTimeout(() => alertRef.current?.scrollIntoView({ block: 'center', behavior: 'smooth' }), 50);
      return rest.length === 0 && err.details.length > 0;
    },
    [form, lang, put],
  );

  const clear = useCallback(() => {
    setError(null);
    setUnmapped([]);
    mapped.current = { details: [], lang };
  }, [lang]);

  useEffect(() => {
    const prev = mapped.current;
    if (prev.lang !== lang && prev.details.length > 0) {
      put(prev.details, lang, prev.lang);
      mapped.current = { details: prev.details, lang };
    }
  }, [lang, put]);

  const alert =
    error || unmapped.length > 0 ? (
      <div ref={alertRef}>
        <Alert
          type="error"
          showIcon
          closable
          onClose={clear}
          style={{ marginBottom: 16 }}
          message={error ? errorText(error, lang) : t('common.formErrors')}
          description={
            unmapped.length > 0 ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {unmapped.map((d) => (
                  <li key={`${d.path}:${d.message}`}>
                    {d.path ? <code style={{ marginInlineEnd: 6 }}>{d.path}</code> : null}
                    {detailText(d, lang)}
                  </li>
                ))}
              </ul>
            ) : error instanceof ApiError && error.body.requestId ? (
              <span style={{ fontSize: 12, opacity: 0.7 }}>requestId: {error.body.requestId}</span>
            ) : undefined
          }
          data-testid="form-error"
        />
      </div>
    ) : null;

  return { show, clear, alert };
}

/** The error of a page's last fetch (nothing when there is none), in the current language. */
export function LoadError({ error, onClose }: { error: unknown; onClose?: () => void }) {
  const { i18n } = useTranslation();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      closable={!!onClose}
      onClose={onClose}
      message={errorText(error, i18n.language)}
      style={{ marginBottom: 12 }}
    />
  );
}
