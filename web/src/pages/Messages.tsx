import { CloudUploadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, DatePicker, Input, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, isZh, type MessageStatus, type MessageSummary } from '../api';
import { codeMeaning, MESSAGE_TYPES, typeName, typeNumber } from '../ceb';
import { formatBytes, MessageDetailDrawer, MessageStatusTag, mono, visibleKeys } from '../components/Declaration';
import { ListPage } from '../components/ListPage';
import { useListPage } from '../components/useListPage';
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
  const [range, setRange] = useState<[string, string] | null>(null);
  const list = useListPage({
    filters: (p) => {
      const status = p.get('status');
      return {
        key: p.get('key') ?? '',
        status: (STATUSES as string[]).includes(status ?? '') ? (status as MessageStatus) : undefined,
        type: p.get('type') ?? undefined,
        sender: p.get('sender') ?? '',
      };
    },
    fetch: ({ key, status, type, sender }, page) =>
      api.messages.list({
        key: key || undefined,
        status,
        type,
        sender: monitor ? sender || undefined : undefined,
        from: range?.[0],
        to: range?.[1],
        ...page,
      }),
    deps: [range],
  });
  const { key, status, type, sender } = list.filters;
  const [search, setSearch] = useState(key);
  const [senderInput, setSenderInput] = useState(sender);

  const typeOptions = (['import', 'export'] as const).map((trade) => ({
    label: trade === 'import' ? t('decl.importTypes') : t('decl.exportTypes'),
    options: MESSAGE_TYPES.filter((m) => m.trade === trade).map((m) => ({
      value: `CEB${m.code}Message`,
      label: `CEB${m.code} ${typeName(`CEB${m.code}Message`, lang)}`,
    })),
  }));

  return (
    <ListPage
      title={monitor ? t('decl.monitorTitle') : t('decl.title')}
      intro={monitor ? t('decl.monitorIntro') : t('decl.intro')}
      actions={
        !monitor && (
          <Link to="/portal/upload">
            <Button type="primary" icon={<CloudUploadOutlined />}>
              {t('decl.upload')}
            </Button>
          </Link>
        )
      }
      onRefresh={() => void list.reload()}
      error={list.error}
      after={<MessageDetailDrawer id={list.selected} onClose={list.closeRow} />}
      filters={
        <>
          <Input.Search
            allowClear
            style={{ width: 300 }}
            placeholder={t('decl.searchKey')}
            title={t('decl.searchKey')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => list.setFilters({ key: v.trim() })}
            enterButton={<SearchOutlined />}
            data-testid="message-search"
          />
          <Select<MessageStatus>
            allowClear
            style={{ width: 130 }}
            placeholder={t('decl.allStatuses')}
            value={status}
            onChange={(v) => list.setFilters({ status: v ?? null })}
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
            onChange={(v) => list.setFilters({ type: v ?? null })}
            options={typeOptions}
            data-testid="message-type"
          />
          <DatePicker.RangePicker
            allowEmpty={[false, false]}
            onChange={(dates) => {
              const [a, b] = dates ?? [];
              setRange(a && b ? [a.startOf('day').toISOString(), b.add(1, 'day').startOf('day').toISOString()] : null);
              list.setFilters({});
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
              onSearch={(v) => list.setFilters({ sender: v.trim().toUpperCase() })}
              data-testid="message-sender"
            />
          )}
        </>
      }
    >
      <Table<MessageSummary>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        onRow={(r) => ({ onClick: () => list.openRow(r.id), style: { cursor: 'pointer' } })}
        pagination={list.pagination}
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
                  list.openRow(r.id);
                }}
              >
                {t('common.view')}
              </Button>
            ),
          },
        ]}
      />
    </ListPage>
  );
}
