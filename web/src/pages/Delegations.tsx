import { PlusOutlined, ReloadOutlined, ShareAltOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  Modal,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
// The rule the API applies (who may delegate which message kind to whom), imported rather than copied: pure code.
import type { EnterpriseRole as FilingRole } from '../api';
import {
  ApiError,
  api,
  type Delegation,
  type DelegationInput,
  type DelegationParty,
  type DelegationStatus,
  errorText,
} from '../api';
import { useAuth } from '../auth';
import { typeLabel } from '../ceb';
import { mono } from '../components/Declaration';
import { useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { formatTime, useLabel } from '../i18n';

const STATUS_COLORS: Record<DelegationStatus, string> = {
  active: 'success',
  scheduled: 'processing',
  expired: 'default',
  revoked: 'default',
};

const USCC_RE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** What antd's DatePicker gives (a dayjs object); only `format` is used. */
type PickedDate = { format(template: string): string };
const day = (d: PickedDate) => d.format('YYYY-MM-DD');

/** Today in Shanghai (the platform's business day), YYYY-MM-DD. */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

type RecordValues = {
  delegateUscc: string;
  messageTypes: string[];
  validFrom: PickedDate;
  validUntil: PickedDate;
  note?: string;
};

/** A refusal naming `messageTypes.2` (the third kind) shown on the kinds field itself. */
function onKindsField(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  const details = err.details.map((d) => (/^messageTypes\.\d+$/.test(d.path) ? { ...d, path: 'messageTypes' } : d));
  return new ApiError(err.status, { ...err.body, details });
}

function StatusTag({ d }: { d: Delegation }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[d.status]} data-status={d.status} style={{ marginInlineEnd: 0 }}>
      {t(`delegations.statuses.${d.status}`)}
    </Tag>
  );
}

function Party({ p }: { p: DelegationParty }) {
  const { t } = useTranslation();
  return (
    <div>
      <div>{p.nameCn ?? <Typography.Text type="secondary">{t('delegations.unknownName')}</Typography.Text>}</div>
      <div style={{ ...mono, fontSize: 12, color: '#8a94a6' }}>{p.uscc}</div>
    </div>
  );
}

type Delegable = { type: string; delegateRoles: FilingRole[] }[];
/** What the page shows before the first answer. */
const EMPTY: { given: Delegation[]; received: Delegation[]; delegable: Delegable } = {
  given: [],
  received: [],
  delegable: [],
};

function RecordModal({
  open,
  uscc,
  delegable,
  onClose,
  onRecorded,
}: {
  open: boolean;
  uscc: string;
  delegable: Delegable;
  onClose: () => void;
  onRecorded: (d: Delegation) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [form] = Form.useForm<RecordValues>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const validFrom = Form.useWatch('validFrom', form) as PickedDate | undefined;

  /** The kinds this enterprise may delegate, grouped by the role their delegate needs. */
  const groups = useMemo(() => {
    const byRoles = new Map<string, { roles: FilingRole[]; types: string[] }>();
    for (const k of delegable) {
      const key = k.delegateRoles.join('+');
      const g = byRoles.get(key) ?? { roles: k.delegateRoles, types: [] };
      g.types.push(k.type);
      byRoles.set(key, g);
    }
    return [...byRoles.values()];
  }, [delegable]);

  useEffect(() => {
    if (open) {
      form.resetFields();
      serverErrors.clear();
    }
  }, [open, form, serverErrors.clear]);

  const submit = async (v: RecordValues) => {
    serverErrors.clear();
    setBusy(true);
    try {
      const d = await api.delegations.create(uscc, {
        delegateUscc: v.delegateUscc.trim().toUpperCase(),
        messageTypes: v.messageTypes as DelegationInput['messageTypes'],
        validFrom: day(v.validFrom),
        validUntil: day(v.validUntil),
        ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      });
      onRecorded(d);
    } catch (err) {
      serverErrors.show(onKindsField(err));
    } finally {
      setBusy(false);
    }
  };

  const roleName = (r: FilingRole) =>
    r === 'logistics' || r === 'agent' ? t(`delegations.roleAs.${r}`) : t(`entRole.${r}` as never);

  return (
    <Modal
      open={open}
      title={t('delegations.recordTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('delegations.record')}
      okButtonProps={{ 'data-testid': 'delegation-submit' } as never}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={680}
      destroyOnHidden
    >
      {serverErrors.alert}
      <Form<RecordValues> form={form} name="delegation" layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item
          name="delegateUscc"
          label={t('delegations.delegateUscc')}
          extra={t('delegations.delegateUsccHint')}
          normalize={(v: string) => v?.toUpperCase()}
          rules={[
            { required: true, whitespace: true, message: t('delegations.usccRequired') },
            { pattern: USCC_RE, message: t('delegations.usccFormat') },
          ]}
        >
          <Input maxLength={18} style={mono} placeholder={t('delegations.usccPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="messageTypes"
          label={t('delegations.kinds')}
          extra={t('delegations.kindsHint')}
          rules={[{ required: true, type: 'array', min: 1, message: t('delegations.kindsRequired') }]}
        >
          <Checkbox.Group style={{ display: 'block' }}>
            {groups.map((g) => (
              <div key={g.roles.join('+')} style={{ marginBottom: 8 }}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('delegations.kindsFor', { roles: g.roles.map(roleName).join(lang === 'en' ? ' or ' : '或') })}
                </Typography.Text>
                <div style={{ display: 'flex', flexWrap: 'wrap', rowGap: 4, marginTop: 2 }}>
                  {g.types.map((type) => (
                    <Checkbox key={type} value={type} style={{ minWidth: 190 }}>
                      {typeLabel(type, lang)}
                    </Checkbox>
                  ))}
                </div>
              </div>
            ))}
          </Checkbox.Group>
        </Form.Item>
        <Space size={16} wrap align="start">
          <Form.Item
            name="validFrom"
            label={t('delegations.validFrom')}
            rules={[{ required: true, message: t('delegations.validFromRequired') }]}
          >
            <DatePicker style={{ width: 200 }} />
          </Form.Item>
          <Form.Item
            name="validUntil"
            label={t('delegations.validUntil')}
            dependencies={['validFrom']}
            rules={[
              { required: true, message: t('delegations.validUntilRequired') },
              ({ getFieldValue }) => ({
                validator: (_, v: PickedDate | undefined) => {
                  const from = getFieldValue('validFrom') as PickedDate | undefined;
                  return !v || !from || day(v) >= day(from)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('delegations.untilBeforeFrom')));
                },
              }),
            ]}
          >
            <DatePicker
              style={{ width: 200 }}
              disabledDate={(d: PickedDate) => {
                const s = day(d);
                return s < today() || (!!validFrom && s < day(validFrom));
              }}
            />
          </Form.Item>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: -12, fontSize: 12 }}>
          {t('delegations.periodHint')}
        </Typography.Paragraph>
        <Form.Item name="note" label={`${t('delegations.note')}（${t('common.optional')}）`}>
          <Input.TextArea rows={2} maxLength={500} showCount placeholder={t('delegations.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EndModal({
  target,
  uscc,
  onClose,
  onEnded,
}: {
  target: Delegation | null;
  uscc: string;
  onClose: () => void;
  onEnded: (d: Delegation) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const asPrincipal = target?.principal.uscc === uscc;
  const other = target ? (asPrincipal ? target.delegate : target.principal) : null;
  const name = other ? (other.nameCn ?? other.uscc) : '';

  useEffect(() => {
    if (target) {
      form.resetFields();
      serverErrors.clear();
    }
  }, [target, form, serverErrors.clear]);

  const submit = async (v: { reason: string }) => {
    if (!target) return;
    serverErrors.clear();
    setBusy(true);
    try {
      onEnded(await api.delegations.revoke(uscc, target.id, v.reason.trim()));
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={t(asPrincipal ? 'delegations.endTitle' : 'delegations.renounceTitle', { name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t(asPrincipal ? 'delegations.end' : 'delegations.renounce')}
      okButtonProps={{ danger: true, 'data-testid': 'delegation-end-submit' } as never}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Alert type="warning" showIcon message={t('delegations.endHint')} style={{ marginBottom: 16 }} />
      {serverErrors.alert}
      <Form form={form} name="delegationEnd" layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item
          name="reason"
          label={t('delegations.reason')}
          rules={[{ required: true, whitespace: true, message: t('delegations.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('delegations.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 委托关系: the delegations the enterprise gave and received; its administrator records and ends them. */
export default function Delegations() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = useLabel();
  const { message } = App.useApp();
  const { me } = useAuth();
  const uscc = me?.enterpriseUscc ?? '';
  const isAdmin = me?.role === 'enterprise_admin';
  const [currentOnly, setCurrentOnly] = useState(false);
  const [recording, setRecording] = useState(false);
  const [ending, setEnding] = useState<Delegation | null>(null);

  const list = useListPage({
    store: 'state',
    filters: () => ({}),
    fetch: async () => {
      const [enterprise, d] = await Promise.all([api.enterprises.get(uscc), api.delegations.list(uscc, currentOnly)]);
      return { enterprise, d };
    },
    deps: [uscc, currentOnly],
    enabled: !!uscc,
  });
  const { loading, error, reload: load } = list;
  const enterprise = list.data?.enterprise ?? null;
  const data: { given: Delegation[]; received: Delegation[]; delegable: Delegable } = list.data?.d ?? EMPTY;

  const roles = (enterprise?.roles ?? []) as FilingRole[];
  const canDelegate = data.delegable.length > 0;
  const filed = enterprise?.status === 'approved';

  const columns = (side: 'given' | 'received') => [
    {
      title: t(side === 'given' ? 'delegations.delegate' : 'delegations.principal'),
      key: 'party',
      width: 250,
      render: (_: unknown, d: Delegation) => <Party p={side === 'given' ? d.delegate : d.principal} />,
    },
    {
      title: t('delegations.messageTypes'),
      dataIndex: 'messageTypes',
      render: (types: string[]) => (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4 }}>
          {types.map((type) => (
            <Tag key={type} style={{ marginInlineEnd: 0 }}>
              {typeLabel(type, lang)}
            </Tag>
          ))}
        </div>
      ),
    },
    {
      title: t('delegations.period'),
      key: 'period',
      width: 200,
      render: (_: unknown, d: Delegation) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {d.validFrom} – {d.validUntil}
        </span>
      ),
    },
    {
      title: t('delegations.status'),
      key: 'status',
      width: 220,
      render: (_: unknown, d: Delegation) => (
        <div data-testid="delegation-status">
          <StatusTag d={d} />
          {d.status === 'revoked' && d.revokedAt && (
            <div style={{ fontSize: 12, color: '#596275', marginTop: 2, wordBreak: 'break-word' }}>
              {t('delegations.revokedInfo', {
                time: formatTime(d.revokedAt, lang),
                who: t(d.revokedByUscc === d.principal.uscc ? 'delegations.byPrincipal' : 'delegations.byDelegate'),
                reason: d.revokeReason ?? '',
              })}
            </div>
          )}
          {d.note && (
            <div style={{ fontSize: 12, color: '#8a94a6', marginTop: 2, wordBreak: 'break-word' }}>
              {t('delegations.noteLine', { note: d.note })}
            </div>
          )}
        </div>
      ),
    },
    ...(isAdmin
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 100,
            render: (_: unknown, d: Delegation) =>
              d.status === 'active' || d.status === 'scheduled' ? (
                <Button
                  type="link"
                  danger
                  size="small"
                  onClick={() => setEnding(d)}
                  data-testid={side === 'given' ? 'delegation-end' : 'delegation-renounce'}
                >
                  {t(side === 'given' ? 'delegations.end' : 'delegations.renounce')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <div style={{ maxWidth: 1280 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('delegations.title')}
        </Typography.Title>
        {isAdmin && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setRecording(true)}
            disabled={!enterprise || !canDelegate || !filed}
            data-testid="delegation-record"
          >
            {t('delegations.record')}
          </Button>
        )}
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Alert
        type="info"
        showIcon
        icon={<ShareAltOutlined />}
        message={t('delegations.intro')}
        style={{ marginBottom: 16 }}
      />
      {!isAdmin && (
        <Alert
          type="info"
          showIcon
          message={t('delegations.onlyAdmin')}
          style={{ marginBottom: 16 }}
          data-testid="delegation-read-only"
        />
      )}
      {isAdmin && enterprise && !filed && (
        <Alert type="warning" showIcon message={t('delegations.notFiled')} style={{ marginBottom: 16 }} />
      )}
      {isAdmin && enterprise && filed && !canDelegate && (
        <Alert
          type="info"
          showIcon
          message={t('delegations.noKinds', {
            roles: roles.map((r) => label('entRole', r)).join(lang === 'en' ? ', ' : '、'),
          })}
          style={{ marginBottom: 16 }}
        />
      )}
      {error ? (
        <Alert
          type="error"
          showIcon
          closable
          onClose={list.clearError}
          message={errorText(error, lang)}
          style={{ marginBottom: 16 }}
        />
      ) : null}

      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 12 }}>
        <Switch checked={currentOnly} onChange={setCurrentOnly} size="small" data-testid="delegation-current" />
        <Typography.Text>{t('delegations.currentOnly')}</Typography.Text>
      </div>

      <Card
        variant="borderless"
        title={t('delegations.given')}
        extra={<Typography.Text type="secondary">{t('delegations.givenHint')}</Typography.Text>}
        style={{ marginBottom: 16 }}
        styles={{ body: { padding: 0 } }}
      >
        <Table<Delegation>
          rowKey="id"
          loading={loading}
          dataSource={data.given}
          pagination={false}
          data-testid="delegations-given"
          locale={{ emptyText: t('delegations.noneGiven') }}
          columns={columns('given')}
        />
      </Card>
      <Card
        variant="borderless"
        title={t('delegations.received')}
        extra={<Typography.Text type="secondary">{t('delegations.receivedHint')}</Typography.Text>}
        styles={{ body: { padding: 0 } }}
      >
        <Table<Delegation>
          rowKey="id"
          loading={loading}
          dataSource={data.received}
          pagination={false}
          data-testid="delegations-received"
          locale={{ emptyText: t('delegations.noneReceived') }}
          columns={columns('received')}
        />
      </Card>

      <RecordModal
        open={recording}
        uscc={uscc}
        delegable={data.delegable}
        onClose={() => setRecording(false)}
        onRecorded={(d) => {
          setRecording(false);
          message.success(t('delegations.recorded', { name: d.delegate.nameCn ?? d.delegate.uscc }));
          void load();
        }}
      />
      <EndModal
        target={ending}
        uscc={uscc}
        onClose={() => setEnding(null)}
        onEnded={() => {
          setEnding(null);
          message.success(t('delegations.ended'));
          void load();
        }}
      />
    </div>
  );
}
