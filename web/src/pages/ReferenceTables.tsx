import {
  CloudUploadOutlined,
  DownloadOutlined,
  FileTextOutlined,
  InboxOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Upload as AntUpload,
  App,
  Button,
  Card,
  Input,
  Modal,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, detailText, type ErrorBody, type ErrorDetail, errorText, request } from '../api';
import type { ApiOk, Item } from '../api/types';
import { useAuth } from '../auth';
import { formatBytes, mono } from '../components/Declaration';
import { formatTime } from '../i18n';

/** The kinds of reference table. */
type Kind = KindVersions['kind'];
/** Who may load tables (the backend's loaders); the others read only. */
const LOADERS = ['platform_admin', 'customs'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type KindVersions = Item<ApiOk<'/api/v1/tables'>['kinds']>;
type TableVersion = Item<KindVersions['versions']>;

const contentUrl = (id: string) => `/api/v1/tables/versions/${encodeURIComponent(id)}/content`;

/** Sends a table file as it is (CSV text or an XLSX workbook); the backend answers with the new version. */
async function uploadTable(kind: Kind, file: File, label: string): Promise<TableVersion> {
  const qs = new URLSearchParams({ fileName: file.name });
  if (label.trim()) qs.set('label', label.trim());
  const xlsx = /\.xlsx$/i.test(file.name);
  let res: Response;
  try {
    res = await fetch(`/api/v1/tables/${kind}?${qs}`, {
      method: 'POST',
      credentials: 'include',
      headers: { accept: 'application/json', 'content-type': xlsx ? XLSX_TYPE : 'text/csv' },
      body: file,
    });
  } catch {
    throw new ApiError(0, {
      code: 'NETWORK',
      message: '无法连接平台服务，请检查网络后重试',
      messageEn: 'Cannot reach the platform; check the network',
      details: [],
    });
  }
  const json = (await res.json().catch(() => undefined)) as { version?: TableVersion; error?: ErrorBody } | undefined;
  if (res.ok && json?.version) return json.version;
  const e = json?.error;
  throw new ApiError(
    res.status,
    e && typeof e.code === 'string'
      ? { ...e, details: Array.isArray(e.details) ? e.details : [] }
      : {
          code: `HTTP_${res.status}`,
          message: `服务返回错误（${res.status}）`,
          messageEn: `The server answered ${res.status}`,
          details: [],
        },
  );
}

/** `line 4 / vat_rate` → { line: 4, column: 'vat_rate' }. */
function whereOf(d: ErrorDetail): { line: string; column: string } {
  const m = /^line (\d+)(?: \/ (.+))?$/.exec(d.path);
  return m ? { line: m[1] ?? '', column: m[2] ?? '' } : { line: '', column: d.path };
}

function TableErrors({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div data-testid="tables-errors">
      <Alert
        type="error"
        showIcon
        message={t('refTables.failed')}
        description={
          <>
            {errorText(error, lang)}
            {details.length > 0 ? ` · ${t('refTables.errorCount', { count: details.length })}` : ''}
          </>
        }
        style={{ marginBottom: details.length > 0 ? 8 : 0 }}
      />
      {details.length > 0 && (
        <Table<ErrorDetail & { key: number }>
          size="small"
          rowKey="key"
          pagination={details.length > 10 ? { pageSize: 10, size: 'small' } : false}
          dataSource={details.map((d, key) => ({ ...d, key }))}
          columns={[
            {
              title: t('refTables.line'),
              key: 'line',
              width: 64,
              render: (_: unknown, d) => <span data-testid="error-line">{whereOf(d).line}</span>,
            },
            {
              title: t('refTables.column'),
              key: 'column',
              width: 160,
              render: (_: unknown, d) => <span style={{ ...mono, fontSize: 12 }}>{whereOf(d).column}</span>,
            },
            {
              title: t('refTables.message'),
              key: 'message',
              render: (_: unknown, d) => <span data-testid="error-message">{detailText(d, lang)}</span>,
            },
          ]}
        />
      )}
    </div>
  );
}

function ImportDialog({
  kind,
  kindName,
  columns,
  onClose,
  onImported,
}: {
  kind: Kind;
  kindName: string;
  columns: string[];
  onClose: () => void;
  onImported: (v: TableVersion) => void;
}) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async () => {
    if (!file) {
      setError(new Error(t('refTables.noFile')));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onImported(await uploadTable(kind, file, label));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={760}
      title={t('refTables.importTitle', { kind: kindName })}
      onCancel={onClose}
      okText={t('refTables.submit')}
      okButtonProps={{ disabled: !file, loading: busy, 'data-testid': 'tables-submit' } as never}
      onOk={() => void submit()}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('refTables.importHint')}
        <br />
        {t('refTables.columns')}: <span style={{ ...mono, fontSize: 12 }}>{columns.join(',')}</span>
      </Typography.Paragraph>
      <AntUpload.Dragger
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        multiple={false}
        showUploadList={false}
        beforeUpload={(f) => {
          setFile(f);
          setError(null);
          return false;
        }}
        data-testid="tables-dragger"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('refTables.drop')}</p>
      </AntUpload.Dragger>
      {file && (
        <div style={{ marginTop: 8 }} data-testid="tables-chosen">
          <Space>
            <FileTextOutlined />
            <span>{t('refTables.chosen', { name: file.name, size: formatBytes(file.size) })}</span>
          </Space>
        </div>
      )}
      <Input
        style={{ marginTop: 12 }}
        maxLength={200}
        value={label}
        onChange={(e) => setLabel(e.target.value)}
        placeholder={t('refTables.labelPlaceholder')}
        addonBefore={t('refTables.label')}
        data-testid="tables-label"
      />
      {error ? (
        <div style={{ marginTop: 12 }}>
          <TableErrors error={error} />
        </div>
      ) : null}
    </Modal>
  );
}

function VersionLabel({ v }: { v: TableVersion }) {
  const { t } = useTranslation();
  return (
    <Space size={4} wrap>
      <span>{v.label}</span>
      {v.inForce && (
        <Tag color="green" data-testid="tag-in-force">
          {t('refTables.inForce')}
        </Tag>
      )}
      {v.isSample && (
        <Tag color="orange" data-testid="tag-sample">
          {t('refTables.sample')}
        </Tag>
      )}
    </Space>
  );
}

/** 参数表管理: the versions of each reference table, downloads, and importing a new version (CSV or XLSX). */
export default function ReferenceTables() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { me } = useAuth();
  const { message } = App.useApp();
  const [kinds, setKinds] = useState<KindVersions[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [importing, setImporting] = useState<KindVersions | null>(null);
  const canLoad = !!me && LOADERS.includes(me.role);
  const kindName = (k: Kind) => t(`refTables.kinds.${k}`);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setKinds((await request<ApiOk<'/api/v1/tables'>>('GET', '/tables')).kinds);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const samples = (kinds ?? []).filter((k) => k.inForce?.isSample).map((k) => kindName(k.kind));

  return (
    <div style={{ maxWidth: 1200 }}>
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('refTables.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('refTables.intro')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} /> : null}
      {samples.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('refTables.sampleWarning', { kinds: samples.join(lang === 'en' ? ', ' : '、') })}
          data-testid="tables-sample-warning"
        />
      )}
      {!kinds && loading ? (
        <div style={{ padding: 48, textAlign: 'center' }}>
          <Spin />
        </div>
      ) : null}
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        {(kinds ?? []).map((k) => (
          <Card
            key={k.kind}
            variant="borderless"
            data-testid={`tables-kind-${k.kind}`}
            title={
              <Space size={8} wrap>
                <span>{kindName(k.kind)}</span>
                <Typography.Text type="secondary" style={{ ...mono, fontSize: 12, fontWeight: 'normal' }}>
                  {k.kind}
                </Typography.Text>
              </Space>
            }
            extra={
              canLoad ? (
                <Button
                  type="primary"
                  icon={<CloudUploadOutlined />}
                  onClick={() => setImporting(k)}
                  data-testid={`tables-import-${k.kind}`}
                >
                  {t('refTables.importNew')}
                </Button>
              ) : null
            }
          >
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8, fontSize: 12 }}>
              {t('refTables.columns')}: <span style={mono}>{k.columns.join(',')}</span>
            </Typography.Paragraph>
            <Table<TableVersion>
              size="small"
              rowKey="id"
              loading={loading}
              dataSource={k.versions}
              pagination={k.versions.length > 5 ? { pageSize: 5, size: 'small' } : false}
              rowClassName={(v) => (v.inForce ? 'tables-row-in-force' : '')}
              onRow={(v) => ({ 'data-version-id': v.id, 'data-in-force': v.inForce }) as never}
              columns={[
                {
                  title: t('refTables.label'),
                  key: 'label',
                  render: (_: unknown, v) => <VersionLabel v={v} />,
                },
                { title: t('refTables.rows'), dataIndex: 'rowCount', width: 80, align: 'right' },
                {
                  title: t('refTables.source'),
                  dataIndex: 'sourceName',
                  width: 200,
                  ellipsis: true,
                },
                {
                  title: t('refTables.loadedBy'),
                  dataIndex: 'loadedBy',
                  width: 140,
                  render: (v: string | null) => v ?? '—',
                },
                {
                  title: t('refTables.loadedAt'),
                  dataIndex: 'loadedAt',
                  width: 150,
                  render: (v: string) => formatTime(v, lang),
                },
                {
                  title: t('refTables.sha256'),
                  dataIndex: 'sha256',
                  width: 120,
                  render: (v: string) => (
                    <Tooltip title={<span style={mono}>{v}</span>}>
                      <span style={{ ...mono, fontSize: 12 }}>{v.slice(0, 12)}…</span>
                    </Tooltip>
                  ),
                },
                {
                  title: '',
                  key: 'download',
                  width: 120,
                  render: (_: unknown, v) => (
                    <a href={contentUrl(v.id)} download data-testid="tables-download">
                      <DownloadOutlined /> {t('refTables.download')}
                    </a>
                  ),
                },
              ]}
            />
          </Card>
        ))}
      </Space>
      {importing && (
        <ImportDialog
          kind={importing.kind}
          kindName={kindName(importing.kind)}
          columns={importing.columns}
          onClose={() => setImporting(null)}
          onImported={(v) => {
            setImporting(null);
            void message.success(t('refTables.imported', { label: v.label, rows: v.rowCount }));
            void load();
          }}
        />
      )}
    </div>
  );
}
