import {
  CheckOutlined,
  CloseOutlined,
  PauseCircleOutlined,
  PlayCircleOutlined,
  SearchOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Drawer, Form, Input, Modal, Select, Space, Spin, Table, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  api,
  type Decision,
  ENTERPRISE_ROLES,
  type Enterprise,
  errorText,
  FILING_STATUSES,
  type FilingStatus,
  type HistoryItem,
} from '../api';
import { useAuth } from '../auth';
import {
  ContactsTable,
  EnterpriseDescriptions,
  HistoryTimeline,
  PendingChangeTable,
  SectionTitle,
} from '../components/EnterpriseView';
import { ListPage } from '../components/ListPage';
import { RoleTags, StatusTag } from '../components/StatusTag';
import { useListPage } from '../components/useListPage';
import { formatTime, useLabel } from '../i18n';

/** Officers who decide on filings (the backend's FILING_DECIDERS); the others read only. */
const DECIDERS = ['customs', 'commerce'] as const;
const DEFAULT_STATUSES: FilingStatus[] = ['submitted', 'change_requested'];
const NEEDS_REASON: readonly Decision[] = ['reject', 'suspend', 'revoke'];
const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

/** A decision's words: on a change request, approve and reject are 批准变更 and 驳回变更. */
function decisionLabel(t: TFunction, d: Decision, change: boolean): string {
  if (change && d === 'approve') return t('decision.approveChange');
  if (change && d === 'reject') return t('decision.rejectChange');
  return t(`decision.${d}`);
}

/** The decisions open in each status. */
export const DECISIONS_BY_STATUS: Record<FilingStatus, Decision[]> = {
  submitted: ['approve', 'reject'],
  change_requested: ['approve', 'reject', 'suspend', 'revoke'],
  approved: ['suspend', 'revoke'],
  suspended: ['reinstate', 'revoke'],
  rejected: [],
  revoked: [],
};

const ICONS: Record<Decision, ReactNode> = {
  approve: <CheckOutlined />,
  reject: <CloseOutlined />,
  suspend: <PauseCircleOutlined />,
  reinstate: <PlayCircleOutlined />,
  revoke: <StopOutlined />,
};

function DecisionModal({
  action,
  enterprise,
  onClose,
  onDone,
}: {
  action: Decision | null;
  enterprise: Enterprise;
  onClose: () => void;
  onDone: (e: Enterprise) => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<{ reason?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const needsReason = !!action && NEEDS_REASON.includes(action);
  const change = enterprise.status === 'change_requested';
  const actionLabel = action ? decisionLabel(t, action, change) : '';

  useEffect(() => {
    if (action) {
      form.resetFields();
      setError(null);
    }
  }, [action, form]);

  const submit = async (v: { reason?: string }) => {
    if (!action) return;
    setBusy(true);
    setError(null);
    try {
      const e = await api.enterprises.decide(enterprise.uscc, action, v.reason?.trim() || undefined);
      onDone(e);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={action !== null}
      title={t('decision.confirmTitle', { action: actionLabel })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={actionLabel}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: action === 'reject' || action === 'revoke' || action === 'suspend' }}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('decision.confirmBody', { name: enterprise.nameCn, uscc: enterprise.uscc })}
      </Typography.Paragraph>
      {error ? (
        <Alert type="error" showIcon message={errorText(error, i18n.language)} style={{ marginBottom: 12 }} />
      ) : null}
      <Form form={form} layout="vertical" onFinish={submit} name="decision">
        <Form.Item
          name="reason"
          label={needsReason ? t('decision.reason') : `${t('decision.reason')}（${t('common.optional')}）`}
          rules={needsReason ? [{ required: true, whitespace: true, message: t('decision.reasonRequired') }] : []}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('decision.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function DetailDrawer({
  uscc,
  onClose,
  onChanged,
  canDecide,
}: {
  uscc: string | null;
  onClose: () => void;
  onChanged: () => void;
  canDecide: boolean;
}) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { message } = App.useApp();
  const [enterprise, setEnterprise] = useState<Enterprise | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [action, setAction] = useState<Decision | null>(null);

  const load = useCallback(async (id: string) => {
    setError(null);
    try {
      const [e, h] = await Promise.all([api.enterprises.get(id), api.enterprises.history(id)]);
      setEnterprise(e);
      setHistory(h);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    setEnterprise(null);
    setHistory([]);
    if (uscc) void load(uscc);
  }, [uscc, load]);

  const e = enterprise;
  const decisions = e && canDecide ? DECISIONS_BY_STATUS[e.status] : [];
  const change = e?.status === 'change_requested';

  return (
    <Drawer
      open={uscc !== null}
      onClose={onClose}
      width={860}
      title={
        e ? (
          <Space>
            <span>{e.nameCn}</span>
            <StatusTag status={e.status} />
          </Space>
        ) : (
          t('console.detail')
        )
      }
      extra={
        e && decisions.length > 0 ? (
          <Space data-testid="decision-buttons">
            {decisions.map((d) => (
              <Button
                key={d}
                icon={ICONS[d]}
                type={d === 'approve' || d === 'reinstate' ? 'primary' : 'default'}
                danger={d === 'reject' || d === 'revoke'}
                onClick={() => setAction(d)}
              >
                {decisionLabel(t, d, change)}
              </Button>
            ))}
          </Space>
        ) : null
      }
    >
      {error ? <Alert type="error" showIcon message={errorText(error, i18n.language)} /> : null}
      {!e && !error && (
        <div style={{ padding: 48, textAlign: 'center' }}>
          <Spin />
        </div>
      )}
      {e && (
        <div data-testid="enterprise-detail">
          {e.pendingChange && (
            <>
              <SectionTitle>{t('console.pendingChange')}</SectionTitle>
              <PendingChangeTable e={e} />
            </>
          )}
          <SectionTitle>{t('portal.fields')}</SectionTitle>
          <EnterpriseDescriptions e={e} />
          <SectionTitle>{t('filing.sectionContacts')}</SectionTitle>
          <ContactsTable contacts={e.contacts} />
          <SectionTitle>{t('console.history')}</SectionTitle>
          <HistoryTimeline items={history} />
          <DecisionModal
            action={action}
            enterprise={e}
            onClose={() => setAction(null)}
            onDone={(next) => {
              if (action) {
                message.success(
                  t('decision.done', {
                    decision: decisionLabel(t, action, change),
                    status: label('status', next.status),
                  }),
                );
              }
              setAction(null);
              setEnterprise(next);
              void load(next.uscc);
              onChanged();
            }}
          />
        </div>
      )}
    </Drawer>
  );
}

export default function ConsoleQueue() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { me } = useAuth();
  const list = useListPage({
    filters: (p) => ({
      // an empty choice is kept in the address (?status=), else the default statuses come back
      statuses: p.has('status')
        ? p.getAll('status').filter((s): s is FilingStatus => (FILING_STATUSES as readonly string[]).includes(s))
        : DEFAULT_STATUSES,
      role: p.get('role') ?? undefined,
      q: p.get('q') ?? '',
    }),
    fetch: ({ statuses, role, q }, page) =>
      api.enterprises.list({ status: statuses, role, q: q || undefined, ...page }),
    drawer: 'uscc',
  });
  const { statuses, role, q } = list.filters;
  const [search, setSearch] = useState(q);

  const canDecide = !!me && (DECIDERS as readonly string[]).includes(me.role);

  return (
    <ListPage
      title={t('console.title')}
      onRefresh={() => void list.reload()}
      error={list.error}
      after={
        <DetailDrawer
          uscc={list.selected}
          onClose={list.closeRow}
          onChanged={() => void list.reload()}
          canDecide={canDecide}
        />
      }
      filters={
        <>
          <Select<FilingStatus[]>
            mode="multiple"
            allowClear
            style={{ minWidth: 300 }}
            placeholder={t('console.filterStatus')}
            value={statuses}
            onChange={(v) => list.setFilters({ status: v.length ? v : [''] })}
            options={FILING_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            maxTagCount="responsive"
            data-testid="status-filter"
          />
          <Select<string>
            allowClear
            style={{ width: 200 }}
            placeholder={t('console.allRoles')}
            value={role}
            onChange={(v) => list.setFilters({ role: v ?? null })}
            options={ENTERPRISE_ROLES.map((r) => ({ value: r, label: t(`entRole.${r}`) }))}
          />
          <Input.Search
            allowClear
            style={{ width: 300 }}
            placeholder={t('console.filterQ')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => list.setFilters({ q: v.trim() })}
            enterButton={<SearchOutlined />}
            data-testid="queue-search"
          />
        </>
      }
    >
      <Table<Enterprise>
        rowKey="uscc"
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        onRow={(r) => ({ onClick: () => list.openRow(r.uscc), style: { cursor: 'pointer' } })}
        pagination={list.pagination}
        columns={[
          {
            title: t('console.uscc'),
            dataIndex: 'uscc',
            width: 180,
            render: (v: string) => <span style={mono}>{v}</span>,
          },
          {
            title: t('console.name'),
            dataIndex: 'nameCn',
            render: (v: string, r) => (
              <div>
                <div style={{ fontWeight: 500 }}>{v}</div>
                {r.nameEn && <div style={{ color: '#8a94a6', fontSize: 12 }}>{r.nameEn}</div>}
              </div>
            ),
          },
          {
            title: t('console.roles'),
            dataIndex: 'roles',
            width: 230,
            render: (v: Enterprise['roles']) => <RoleTags roles={v} />,
          },
          {
            title: t('console.status'),
            dataIndex: 'status',
            width: 120,
            render: (s: FilingStatus) => <StatusTag status={s} />,
          },
          {
            title: t('console.submittedAt'),
            dataIndex: 'submittedAt',
            width: 150,
            render: (v: string) => formatTime(v, lang),
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
                  list.openRow(r.uscc);
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
