import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  api,
  type DeclError,
  type DeclWarning,
  errorText,
  isZh,
  type MessageDetail,
  type MessageStatus,
  type Receipt,
} from '../api';
import { codeMeaning, formatCebTime, readablePath, returnStatusText, type Tone, typeLabel } from '../ceb';
import { EnterpriseCode } from '../enterprises';
import { formatTime } from '../i18n';

export const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };
const muted = { color: '#8a94a6', fontSize: 12 };

const TONE_COLOR: Record<Tone, string> = {
  success: 'success',
  processing: 'processing',
  warning: 'warning',
  error: 'error',
  default: 'default',
};

/** 1536 → '1.5 KB'. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Business keys worth showing: enterprise codes (USCCs) are part of a key but say little on their own. */
export function visibleKeys(keys: readonly string[]): string[] {
  return keys.filter((k) => !/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(k));
}

export function MessageStatusTag({ status }: { status: MessageStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={status === 'accepted' ? 'success' : 'error'} data-status={status} style={{ marginInlineEnd: 0 }}>
      {status === 'accepted' ? t('decl.accepted') : t('decl.rejected')}
    </Tag>
  );
}

/** A receipt's returnStatus with its meaning: 2 申报中. */
export function ReturnStatusTag({ status }: { status: string }) {
  const { i18n } = useTranslation();
  const s = returnStatusText(status, i18n.language);
  return (
    <Tag color={TONE_COLOR[s.tone]} data-return-status={status} style={{ marginInlineEnd: 0 }}>
      <span style={mono}>{status}</span> {s.text}
    </Tag>
  );
}

/**
 * A code the hub or the clearance engine emits, by its name. A customs or data-exchange code (-621005, 0002) stays
 * shown in small type below, as the standard's readers know them; a platform code (MATCH_AMOUNT_PAID) only on hover.
 */
export function CodeName({ code }: { code: string }) {
  const { i18n } = useTranslation();
  const name = codeMeaning(code, i18n.language);
  const official = /^-?\d+$/.test(code);
  return (
    <div data-code={code} data-testid="code-name" title={code}>
      {name ? <div style={{ fontSize: 13 }}>{name}</div> : null}
      {(official || !name) && <span style={{ ...mono, ...muted, wordBreak: 'break-all' }}>{code}</span>}
    </div>
  );
}

/**
 * A receipt's returnInfo, whose reasons the engine writes `[code] message；[code] message`: each code by its name
 * (the code on hover); any other text as it is.
 */
export function ReturnInfo({ info }: { info: string }) {
  const { i18n } = useTranslation();
  const parts = info.split('；');
  return (
    <span style={{ wordBreak: 'break-word' }} data-testid="return-info">
      {parts.map((part, n) => {
        const m = /^\[([^\]]+)\]\s*([\s\S]*)$/.exec(part.trim());
        const name = m?.[1] ? codeMeaning(m[1], i18n.language) : '';
        const key = `${n}:${part}`;
        return (
          <span key={key}>
            {n > 0 && '；'}
            {m && name ? (
              <>
                <Tag title={m[1]} data-code={m[1]} style={{ marginInlineEnd: 4 }}>
                  {name}
                </Tag>
                {m[2]}
              </>
            ) : (
              part
            )}
          </span>
        );
      })}
    </span>
  );
}

function messageOf(x: { message: string; messageEn: string }, lang: string): string {
  return isZh(lang) ? x.message : x.messageEn || x.message;
}

/** Errors in plain words: the code with its meaning, where (the path made readable), and the message. */
export function ErrorList({ errors, warnings }: { errors: readonly DeclError[]; warnings?: readonly DeclWarning[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <div data-testid="decl-errors">
      {errors.length > 0 && (
        <Table<DeclError & { n: number }>
          size="small"
          rowKey="n"
          bordered
          dataSource={errors.map((e, n) => ({ ...e, n }))}
          pagination={errors.length > 20 ? { pageSize: 20, size: 'small' } : false}
          columns={[
            {
              title: t('decl.code'),
              dataIndex: 'code',
              width: 230,
              render: (code: string) => {
                const meaning = codeMeaning(code, lang);
                return (
                  <div>
                    <Tag color="error" style={mono}>
                      {code}
                    </Tag>
                    {meaning && <div style={{ fontWeight: 500, marginTop: 4 }}>{meaning}</div>}
                  </div>
                );
              },
            },
            {
              title: t('decl.where'),
              dataIndex: 'path',
              width: 300,
              render: (path: string) => (
                <div>
                  <div>{readablePath(path, lang)}</div>
                  {path && <div style={{ ...mono, ...muted, wordBreak: 'break-all' }}>{path}</div>}
                </div>
              ),
            },
            { title: t('decl.what'), key: 'what', render: (_: unknown, e) => messageOf(e, lang) },
          ]}
        />
      )}
      {warnings && warnings.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 12 }}
          message={t('decl.warnings')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {warnings.map((w) => (
                <li key={`${w.path}:${w.message}`}>
                  <span style={{ marginInlineEnd: 6 }}>{readablePath(w.path, lang)}</span>
                  {messageOf(w, lang)}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </div>
  );
}

function SectionTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'center', margin: '24px 0 12px' }}>
      <Typography.Title level={5} style={{ margin: 0, flex: 1 }}>
        {children}
      </Typography.Title>
      {extra}
    </div>
  );
}

/** The receipts of a message, oldest first, as a timeline. */
export function ReceiptTimeline({ receipts }: { receipts: readonly Receipt[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (receipts.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('decl.noReceipts')} />;
  return (
    <Timeline
      data-testid="receipts"
      items={receipts.map((r) => {
        const s = returnStatusText(r.returnStatus, lang);
        return {
          key: r.seq,
          color: s.tone === 'success' ? 'green' : s.tone === 'error' ? 'red' : s.tone === 'warning' ? 'orange' : 'blue',
          children: (
            <div>
              <Space wrap size={8}>
                <ReturnStatusTag status={r.returnStatus} />
                <span>{typeLabel(r.type, lang)}</span>
                <span style={muted}>{formatCebTime(r.returnTime)}</span>
              </Space>
              <div style={{ marginTop: 4 }}>
                <span style={muted}>{t('decl.businessKey')}：</span>
                <span style={mono}>{r.businessKey.split('|').join(' / ')}</span>
              </div>
              {r.returnInfo && (
                <div style={{ marginTop: 2 }}>
                  <span style={muted}>{t('decl.returnInfo')}：</span>
                  <ReturnInfo info={r.returnInfo} />
                </div>
              )}
              <div style={muted}>
                {t('decl.seq')} {r.seq}
              </div>
            </div>
          ),
        };
      })}
    />
  );
}

const PURPOSE_PRESETS = ['check', 'refusal', 'supervision'] as const;

/**
 * The raw body holds personal data (ID numbers, phones): before it is downloaded the reader states why, and the
 * platform records the read (who, role, message, purpose) in the audit trail.
 */
export function RawBodyDownload({ id, filename }: { id: string; filename: string }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm<{ purpose: string }>();

  const download = async ({ purpose }: { purpose: string }) => {
    setBusy(true);
    setError(null);
    try {
      const text = await api.messages.body(id, purpose.trim());
      const blob = new Blob([text], { type: filename.endsWith('.json') ? 'application/json' : 'application/xml' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setOpen(false);
      form.resetFields();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon={<DownloadOutlined />} onClick={() => setOpen(true)} data-testid="download-body">
        {t('decl.download')}
      </Button>
      <Modal
        open={open}
        title={t('decl.purposeTitle')}
        okText={t('decl.purposeOk')}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        confirmLoading={busy}
        destroyOnHidden
        okButtonProps={{ 'data-testid': 'purpose-ok' } as Record<`data-${string}`, string>}
      >
        <Typography.Paragraph type="secondary">{t('decl.purposeIntro')}</Typography.Paragraph>
        {error ? (
          <Alert type="error" showIcon message={errorText(error, i18n.language)} style={{ marginBottom: 12 }} />
        ) : null}
        <Form form={form} layout="vertical" name="purpose" onFinish={download}>
          <Form.Item
            name="purpose"
            label={t('decl.purpose')}
            rules={[
              { required: true, whitespace: true, message: t('decl.purposeRequired') },
              { min: 2, max: 200, message: t('decl.purposeLength') },
            ]}
          >
            <Input.TextArea rows={2} maxLength={200} showCount data-testid="purpose-input" />
          </Form.Item>
          <Space wrap size={[6, 6]}>
            {PURPOSE_PRESETS.map((p) => (
              <Tag.CheckableTag
                key={p}
                checked={false}
                onChange={() => form.setFieldValue('purpose', t(`decl.purposePreset.${p}`))}
              >
                {t(`decl.purposePreset.${p}`)}
              </Tag.CheckableTag>
            ))}
          </Space>
        </Form>
      </Modal>
    </>
  );
}

/** A message with its errors in plain words, its receipts, and the raw body to download (for a stated purpose). */
export function MessageDetailDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [data, setData] = useState<{ message: MessageDetail; receipts: Receipt[] } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setData(null);
    setError(null);
    if (!id) return;
    let live = true;
    api.messages.get(id).then(
      (d) => live && setData(d),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id]);

  const m = data?.message;
  const answer = m?.answer?.receipt;
  const errors = m?.errors ?? (answer?.errors as DeclError[] | undefined) ?? [];
  const warnings = m?.warnings ?? (answer?.warnings as DeclWarning[] | undefined) ?? [];
  const filename = m ? `${m.guid ?? m.id}.${m.format === 'json' ? 'json' : 'xml'}` : '';

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      width={920}
      title={
        m ? (
          <Space>
            <span>{typeLabel(m.type, lang)}</span>
            <MessageStatusTag status={m.status} />
          </Space>
        ) : (
          t('decl.detail')
        )
      }
      extra={m ? <RawBodyDownload id={m.id} filename={filename} /> : null}
    >
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} /> : null}
      {!m && !error && (
        <div style={{ padding: 48, textAlign: 'center' }}>
          <Spin />
        </div>
      )}
      {m && data && (
        <div data-testid="message-detail">
          <Descriptions bordered size="small" column={2} styles={{ label: { width: 120 } }}>
            <Descriptions.Item label={t('decl.messageId')}>
              <Typography.Text copyable style={{ ...mono, fontSize: 12 }}>
                {m.id}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('decl.guid')}>
              {m.guid ? (
                <Typography.Text copyable style={{ ...mono, fontSize: 12 }}>
                  {m.guid}
                </Typography.Text>
              ) : (
                '—'
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('decl.type')}>{typeLabel(m.type, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('decl.status')}>
              <MessageStatusTag status={m.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('decl.sender')}>
              <EnterpriseCode code={m.senderUscc} size={13} />
            </Descriptions.Item>
            <Descriptions.Item label={t('decl.receivedAt')}>{formatTime(m.receivedAt, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('decl.format')}>{m.format.toUpperCase()}</Descriptions.Item>
            <Descriptions.Item label={t('decl.records')}>
              {m.recordCount} · {formatBytes(m.bodySize)}
            </Descriptions.Item>
            <Descriptions.Item label={t('decl.businessKeys')} span={2}>
              {m.businessKeys.length ? (
                <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
                  {m.businessKeys.map((k) => (
                    <Tag key={k} style={{ ...mono, marginInlineEnd: 0 }}>
                      {k}
                    </Tag>
                  ))}
                </span>
              ) : (
                '—'
              )}
            </Descriptions.Item>
            {answer && (
              <Descriptions.Item label={t('decl.answer')} span={2}>
                <Space direction="vertical" size={2}>
                  <Space wrap size={8}>
                    {answer.returnStatus && <ReturnStatusTag status={answer.returnStatus} />}
                    <span style={muted}>
                      HTTP {m.answer?.httpStatus} · {formatCebTime(answer.returnTime)}
                    </span>
                  </Space>
                  {answer.returnInfo && <ReturnInfo info={answer.returnInfo} />}
                </Space>
              </Descriptions.Item>
            )}
          </Descriptions>

          {(errors.length > 0 || warnings.length > 0) && (
            <>
              <SectionTitle
                extra={
                  errors.length > 0 ? <span style={muted}>{t('decl.errorCount', { count: errors.length })}</span> : null
                }
              >
                {errors.length > 0 ? t('decl.errors') : t('decl.warnings')}
              </SectionTitle>
              <ErrorList errors={errors} warnings={warnings} />
            </>
          )}

          <SectionTitle>{t('decl.receipts')}</SectionTitle>
          <ReceiptTimeline receipts={data.receipts} />
        </div>
      )}
    </Drawer>
  );
}
