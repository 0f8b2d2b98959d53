import { CloudUploadOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Input,
  Select,
  Space,
  Table,
  type TablePaginationConfig,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, errorText, isZh, type MessageStatus, type MessageSummary } from '../api';
import { codeMeaning, MESSAGE_TYPES, typeName, typeNumber } from '../ceb';
import { formatBytes, MessageDetailDrawer, MessageStatusTag, mono, visibleKeys } from '../components/Declaration';
import { EnterpriseCode } from '../enterprises';
import { formatTime } from '../i18n';

const STATUSES: MessageStatus[] = ['accepted', 'rejected'];

/**
 * The message log (报文日志) of the enterprise, or for customs and the platform admin every enterprise's messages
 * (报文监控, with a sender filter). Filters and the open message live in the address (?key=&status=&type=&id=).
 */
export default function Messages({ scope = 'portal' }: { scope?: 'portal' | 'console' }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const monitor = scope === 'console';
  const [params, setParams] = useSearchParams();
  const key = params.get('key') ?? '';
  const statusParam = params.get('status');
  const status = (STATUSES as string[]).includes(statusParam ?? '') ? (statusParam as MessageStatus) : undefined;
  const type = params.get('type') ?? undefined;
  const sender = params.get('sender') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const open = params.get('id');

  const [range, setRange] = useState<[string, string] | null>(null);
  const [search, setSearch] = useState(key);
  const [senderInput, setSenderInput] = useState(sender);
  const [data, setData] = useState<{ items: MessageSummary[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const query = JSON.stringify([key, status, type, sender, range, page, pageSize]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `query` stands for the filters
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const r = await api.messages.list({
        key: key || undefined,
        status,
        type,
        sender: monitor ? sender || undefined : undefined,
        from: range?.[0],
        to: range?.[1],
        page,
        pageSize,
      });
      setData({ items: r.items, total: r.total });
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [query]);

  useEffect(() => {
    void load();
  }, [load]);

  const update = (patch: Record<string, string | null | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const onTable = (p: TablePaginationConfig) => {
    update({ page: String(p.current ?? 1), pageSize: String(p.pageSize ?? 20) });
  };

  const typeOptions = (['import', 'export'] as const).map((trade) => ({
    label: trade === 'import' ? t('decl.importTypes') : t('decl.exportTypes'),
    options: MESSAGE_TYPES.filter((m) => m.trade === trade).map((m) => ({
      value: `CEB${m.code}Message`,
      label: `CEB${m.code} ${typeName(`CEB${m.code}Message`, lang)}`,
    })),
  }));

  return (
    <div>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {monitor ? t('decl.monitorTitle') : t('decl.title')}
        </Typography.Title>
        {!monitor && (
          <Link to="/portal/upload">
            <Button type="primary" icon={<CloudUploadOutlined />}>
              {t('decl.upload')}
            </Button>
          </Link>
        )}
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {monitor ? t('decl.monitorIntro') : t('decl.intro')}
      </Typography.Paragraph>
      <Card variant="borderless" styles={{ body: { paddingBottom: 8 } }}>
        <Space wrap size={12} style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            style={{ width: 300 }}
            placeholder={t('decl.searchKey')}
            title={t('decl.searchKey')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => update({ key: v.trim(), page: null })}
            enterButton={<SearchOutlined />}
            data-testid="message-search"
          />
          <Select<MessageStatus>
            allowClear
            style={{ width: 130 }}
            placeholder={t('decl.allStatuses')}
            value={status}
            onChange={(v) => update({ status: v ?? null, page: null })}
            options={STATUSES.map((s) => ({ value: s, label: t(`decl.${s}`) }))}
            data-testid="message-status"
          />
          <Select<string>
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 200 }}
            placeholder={t('decl.allTypes')}
            value={type}
            onChange={(v) => update({ type: v ?? null, page: null })}
            options={typeOptions}
            data-testid="message-type"
          />
          <DatePicker.RangePicker
            allowEmpty={[false, false]}
            onChange={(dates) => {
              const [a, b] = dates ?? [];
              setRange(a && b ? [a.startOf('day').toISOString(), b.add(1, 'day').startOf('day').toISOString()] : null);
              update({ page: null });
            }}
            placeholder={[t('decl.rangeFrom'), t('decl.rangeTo')]}
            style={{ width: 250 }}
          />
          {monitor && (
            <Input.Search
              allowClear
              style={{ width: 260 }}
              placeholder={t('decl.senderPlaceholder')}
              value={senderInput}
              onChange={(e) => setSenderInput(e.target.value)}
              onSearch={(v) => update({ sender: v.trim().toUpperCase(), page: null })}
              data-testid="message-sender"
            />
          )}
        </Space>
        {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} /> : null}
        <Table<MessageSummary>
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={data.items}
          onChange={onTable}
          onRow={(r) => ({ onClick: () => update({ id: r.id }), style: { cursor: 'pointer' } })}
          pagination={{
            current: page,
            pageSize,
            total: data.total,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { count: n }),
          }}
          columns={[
            {
              title: t('decl.receivedAt'),
              dataIndex: 'receivedAt',
              width: 150,
              render: (v: string) => formatTime(v, lang),
            },
            {
              title: t('decl.type'),
              dataIndex: 'type',
              width: 170,
              render: (v: string) => {
                const n = typeNumber(v);
                return (
                  <div>
                    <div style={{ fontWeight: 500 }}>{typeName(v, lang) || v}</div>
                    {n && <div style={{ ...mono, color: '#8a94a6', fontSize: 12 }}>CEB{n}</div>}
                  </div>
                );
              },
            },
            ...(monitor
              ? [
                  {
                    title: t('decl.sender'),
                    dataIndex: 'senderUscc',
                    width: 200,
                    render: (v: string) => <EnterpriseCode code={v} />,
                  },
                ]
              : []),
            {
              title: t('decl.businessKeys'),
              dataIndex: 'businessKeys',
              width: monitor ? 170 : undefined,
              render: (v: string[]) => {
                const keys = visibleKeys(v);
                if (keys.length === 0) return <span style={{ color: '#8a94a6' }}>—</span>;
                return (
                  <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
                    {keys.slice(0, 4).map((k) => (
                      <Tag key={k} style={{ ...mono, marginInlineEnd: 0 }}>
                        {k}
                      </Tag>
                    ))}
                    {keys.length > 4 && <Tag style={{ marginInlineEnd: 0 }}>+{keys.length - 4}</Tag>}
                  </span>
                );
              },
            },
            {
              title: t('decl.status'),
              dataIndex: 'status',
              width: monitor ? 210 : 240,
              render: (s: MessageStatus, r) => {
                const first = r.errors?.[0];
                return (
                  <div>
                    <MessageStatusTag status={s} />
                    {first && (
                      <div style={{ fontSize: 12, marginTop: 4 }}>
                        <span style={{ ...mono, color: '#cf1322' }}>{first.code}</span>{' '}
                        {codeMeaning(first.code, lang) || (isZh(lang) ? first.message : first.messageEn)}
                        {r.errors && r.errors.length > 1 ? ` (+${r.errors.length - 1})` : ''}
                      </div>
                    )}
                  </div>
                );
              },
            },
            { title: t('decl.records'), dataIndex: 'recordCount', width: 80, align: 'right' as const },
            {
              title: t('decl.format'),
              dataIndex: 'format',
              width: 110,
              render: (v: string, r) => (
                <div>
                  <div>{v.toUpperCase()}</div>
                  <div style={{ color: '#8a94a6', fontSize: 12 }}>{formatBytes(r.bodySize)}</div>
                </div>
              ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 80,
              render: (_: unknown, r) => (
                <Button
                  type="link"
                  size="small"
                  onClick={(ev) => {
                    ev.stopPropagation();
                    update({ id: r.id });
                  }}
                >
                  {t('common.view')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <MessageDetailDrawer id={open} onClose={() => update({ id: null })} />
    </div>
  );
}
