import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkUscc } from '../../../src/kernel/codes/uscc';
import { allOf, errorText, type FilingStatus, request } from '../api';
import type { ApiBody, ApiOk, Item, Refine } from '../api/types';
import { useAuth } from '../auth';
import { CODE_TRIGGERS, codeRules } from '../codes';
import { StatusTag } from '../components/StatusTag';
import { LoadError, useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { EnterpriseCode } from '../enterprises';
import { formatTime } from '../i18n';

// ---------------------------------------------------------------------------------------------------------------
// The credit API (GET /api/v1/credit, GET /api/v1/credit/{uscc}, POST /api/v1/credit/records)

type CreditListAnswer = ApiOk<'/api/v1/credit'>;
export type CreditStanding = ApiOk<'/api/v1/credit/{uscc}'>;
export type CreditRecord = ApiOk<'/api/v1/credit/records', 'post'>['record'];
export type CreditLevel = CreditRecord['level'];
export type Decree = CreditRecord['decree'];
export const CREDIT_LEVELS = allOf<CreditLevel>()([
  'advanced',
  'certified',
  'general',
  'dishonest',
  'seriously-dishonest',
]);

/** Decree 282 takes effect on this day; before it Decree 251 applies. */
const DECREE_282_FROM = '2026-04-01';
const LEVELS_251: readonly CreditLevel[] = ['advanced', 'general', 'dishonest'];

const enc = encodeURIComponent;

/** One enterprise of the 信用管理 list: its names, filing status, and level on the list's date. */
export type CreditListItem = Refine<Item<CreditListAnswer['items']>, { filingStatus: FilingStatus }>;
export type CreditList = Refine<CreditListAnswer, { items: CreditListItem[] }>;

export const creditApi = {
  list: (q: { level?: CreditLevel[]; q?: string; on?: string; page?: number; pageSize?: number }) =>
    request<CreditList>('GET', '/credit', undefined, q),
  standing: (uscc: string, on?: string) =>
    request<CreditStanding>('GET', `/credit/${enc(uscc)}`, undefined, on ? { on } : undefined),
  record: (body: ApiBody<'/api/v1/credit/records'>) =>
    request<{ record: CreditRecord }>('POST', '/credit/records', body).then((r) => r.record),
};

// ---------------------------------------------------------------------------------------------------------------
// Display

const LEVEL_COLORS: Record<CreditLevel, string> = {
  advanced: 'green',
  certified: 'cyan',
  general: 'default',
  dishonest: 'orange',
  'seriously-dishonest': 'red',
};

/** Today in Asia/Shanghai (UTC+8), as YYYY-MM-DD. */
function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function decreeOf(date: string): Decree {
  return date < DECREE_282_FROM ? '251' : '282';
}

/** The level's name under a decree (a 251 level on a later date is named as 282 names it). */
export function useLevelName(): (level: CreditLevel, decree: Decree) => string {
  const { t } = useTranslation();
  return (level, decree) =>
    decree === '251' && LEVELS_251.includes(level)
      ? t(`credit.level251.${level as 'advanced' | 'general' | 'dishonest'}`)
      : t(`credit.level282.${level}`);
}

export function CreditLevelTag({ level, decree }: { level: CreditLevel; decree: Decree }) {
  const name = useLevelName();
  return (
    <Tag color={LEVEL_COLORS[level]} data-testid="credit-level">
      {name(level, decree)}
    </Tag>
  );
}

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

/** What antd's DatePicker gives (a dayjs object); only `format` is used. */
type PickedDate = { format(template: string): string };

type RecordFormValues = {
  uscc: string;
  level: CreditLevel;
  validFrom: PickedDate;
  validTo?: PickedDate | null;
  basis: string;
};

function RecordModal({
  open,
  uscc,
  onClose,
  onSaved,
}: {
  open: boolean;
  uscc: string;
  onClose: () => void;
  onSaved: (r: CreditRecord) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RecordFormValues>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const levelName = useLevelName();
  const validFrom = Form.useWatch('validFrom', form);
  const decree = validFrom ? decreeOf(validFrom.format('YYYY-MM-DD')) : '282';
  const levels = decree === '251' ? LEVELS_251 : CREDIT_LEVELS;

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ uscc });
      serverErrors.clear();
    }
  }, [open, uscc, form, serverErrors.clear]);

  useEffect(() => {
    const level = form.getFieldValue('level') as CreditLevel | undefined;
    if (level && !levels.includes(level)) form.setFieldsValue({ level: undefined });
  }, [levels, form]);

  const submit = async (v: RecordFormValues) => {
    serverErrors.clear();
    setBusy(true);
    try {
      const saved = await creditApi.record({
        uscc: v.uscc.trim().toUpperCase(),
        level: v.level,
        validFrom: v.validFrom.format('YYYY-MM-DD'),
        validTo: v.validTo ? v.validTo.format('YYYY-MM-DD') : null,
        basis: v.basis.trim(),
      });
      onSaved(saved);
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('credit.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={620}
      destroyOnHidden
    >
      <Alert type="info" showIcon message={t('credit.addHint')} style={{ marginBottom: 16 }} />
      {serverErrors.alert}
      <Form<RecordFormValues> form={form} name="credit-record" layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item
          name="uscc"
          label={t('credit.uscc')}
          normalize={(v: string) => v?.toUpperCase()}
          validateFirst
          validateTrigger={CODE_TRIGGERS}
          rules={[{ required: true, message: t('common.required', { field: t('credit.uscc') }) }, ...codeRules('uscc')]}
        >
          <Input maxLength={18} style={mono} placeholder={t('credit.usccPlaceholder')} />
        </Form.Item>
        <Space size={16} wrap>
          <Form.Item
            name="validFrom"
            label={t('credit.validFrom')}
            rules={[{ required: true, message: t('credit.validFromRequired') }]}
          >
            <DatePicker style={{ width: 200 }} data-testid="credit-valid-from" />
          </Form.Item>
          <Form.Item name="validTo" label={t('credit.validTo')} extra={t('common.optional')}>
            <DatePicker style={{ width: 200 }} data-testid="credit-valid-to" />
          </Form.Item>
        </Space>
        <Form.Item
          name="level"
          label={`${t('credit.level')}（${t(decree === '251' ? 'credit.decree251' : 'credit.decree282')}）`}
          rules={[{ required: true, message: t('credit.levelRequired') }]}
        >
          <Select<CreditLevel>
            options={levels.map((l) => ({ value: l, label: levelName(l, decree) }))}
            data-testid="credit-level-select"
          />
        </Form.Item>
        <Form.Item
          name="basis"
          label={t('credit.basis')}
          rules={[{ required: true, whitespace: true, message: t('credit.basisRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder={t('credit.basisPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** An enterprise's credit on a date in a drawer: the level in force, where it comes from, and every record. */
function CreditDrawer({
  uscc,
  on,
  reloadKey,
  onClose,
  onAdd,
}: {
  uscc: string | null;
  on: string;
  /** Changes when a record was added: the drawer reads again. */
  reloadKey: number;
  onClose: () => void;
  /** Record a level for this enterprise (customs); absent: the caller may not. */
  onAdd?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const levelName = useLevelName();
  const [standing, setStanding] = useState<CreditStanding | null>(null);
  const [error, setError] = useState<unknown>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for a fresh read
  useEffect(() => {
    setStanding(null);
    setError(null);
    if (!uscc) return;
    let live = true;
    creditApi.standing(uscc, on || undefined).then(
      (s) => live && setStanding(s),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [uscc, on, reloadKey]);

  const columns = useMemo(
    () => [
      {
        title: t('credit.validFrom'),
        dataIndex: 'validFrom',
        width: 120,
        render: (v: string, r: CreditRecord) => (
          <Space size={4} direction="vertical">
            <span style={mono}>{v}</span>
            {standing?.record?.id === r.id ? <Tag color="blue">{t('credit.current')}</Tag> : null}
          </Space>
        ),
      },
      {
        title: t('credit.validTo'),
        dataIndex: 'validTo',
        width: 130,
        render: (v: string | null) => (v ? <span style={mono}>{v}</span> : t('credit.openEnded')),
      },
      {
        title: t('credit.level'),
        dataIndex: 'level',
        width: 150,
        render: (v: CreditLevel, r: CreditRecord) => <CreditLevelTag level={v} decree={r.decree} />,
      },
      {
        title: t('credit.basis'),
        dataIndex: 'basis',
        render: (v: string, r: CreditRecord) => (
          <div>
            <div style={{ wordBreak: 'break-word' }}>{v}</div>
            <div style={{ color: '#8a94a6', fontSize: 12 }}>
              {t(r.decree === '251' ? 'credit.decree251' : 'credit.decree282')}
            </div>
          </div>
        ),
      },
      {
        title: t('credit.recordedBy'),
        dataIndex: 'recordedBy',
        width: 150,
        render: (v: string | null, r: CreditRecord) => (
          <div>
            <div>{v ?? '—'}</div>
            <div style={{ color: '#8a94a6', fontSize: 12 }}>{formatTime(r.recordedAt, lang)}</div>
          </div>
        ),
      },
    ],
    [t, lang, standing],
  );

  return (
    <Drawer
      open={uscc !== null}
      onClose={onClose}
      width={900}
      title={uscc ? <EnterpriseCode code={uscc} inline size={13} /> : t('credit.title')}
      extra={
        onAdd ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} data-testid="credit-add-for">
            {t('credit.add')}
          </Button>
        ) : null
      }
    >
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} /> : null}
      {!standing && !error && (
        <div style={{ padding: 48, textAlign: 'center' }}>
          <Spin />
        </div>
      )}
      {standing && (
        <div data-testid="credit-detail">
          <Descriptions
            column={{ xs: 1, md: 2 }}
            size="middle"
            bordered
            style={{ marginBottom: 16 }}
            styles={{ label: { width: 110, whiteSpace: 'nowrap' } }}
          >
            <Descriptions.Item label={t('credit.uscc')}>
              <span style={{ ...mono, whiteSpace: 'nowrap' }}>{standing.uscc}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('credit.on')}>
              <span style={{ ...mono, whiteSpace: 'nowrap' }}>{standing.on}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('credit.level')}>
              <span data-testid="credit-standing-level" data-level={standing.level}>
                <CreditLevelTag level={standing.level} decree={standing.decree} />
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('credit.decree')}>
              {t(standing.decree === '251' ? 'credit.decree251' : 'credit.decree282')}
            </Descriptions.Item>
            <Descriptions.Item label={t('credit.inForce')} span={2}>
              {standing.record
                ? `${standing.record.validFrom} – ${standing.record.validTo ?? t('credit.openEnded')} · ${levelName(
                    standing.record.level,
                    standing.decree,
                  )} · ${standing.record.basis}`
                : t('credit.noRecord')}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('credit.history')}</Typography.Title>
          <Table<CreditRecord>
            rowKey="id"
            size="small"
            dataSource={standing.history}
            pagination={false}
            locale={{ emptyText: t('credit.noHistory') }}
            columns={columns}
            data-testid="credit-history"
          />
        </div>
      )}
    </Drawer>
  );
}

/**
 * 信用管理: the enterprises filed on the platform with their customs credit level on a date (today unless chosen),
 * filtered by level and by name or code, paged; an enterprise opens with its records; customs records new levels.
 * Any USCC, filed here or not, can still be looked up. Filters, page and the open enterprise live in the address.
 */
export default function Credit() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const { me } = useAuth();
  const levelName = useLevelName();
  const list = useListPage({
    filters: (p) => ({
      q: p.get('q') ?? '',
      on: p.get('on') ?? '',
      levels: p.getAll('level').filter((l): l is CreditLevel => (CREDIT_LEVELS as readonly string[]).includes(l)),
    }),
    fetch: ({ q, on, levels }, page) =>
      creditApi.list({ q: q || undefined, on: on || undefined, level: levels.length ? levels : undefined, ...page }),
    drawer: 'uscc',
  });
  const { q, on, levels } = list.filters;
  const { data, selected: open } = list;
  const [search, setSearch] = useState(q);
  const [adding, setAdding] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);
  const canRecord = me?.role === 'customs' || me?.role === 'platform_admin';
  const decree = data?.decree ?? decreeOf(on || shanghaiToday());

  // A whole USCC that is not in the list (an enterprise not filed here) can still be looked up.
  const typedCode = q.trim().toUpperCase();
  const lookupCode =
    typedCode.length === 18 && checkUscc(typedCode).ok && !data?.items.some((i) => i.uscc === typedCode)
      ? typedCode
      : null;

  return (
    <div style={{ maxWidth: 1320 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('credit.title')}
        </Typography.Title>
        {canRecord && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="credit-add">
            {t('credit.add')}
          </Button>
        )}
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('credit.intro')}</Typography.Paragraph>

      <Card variant="borderless" styles={{ body: { paddingBottom: 8 } }}>
        <Space wrap size={12} style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            style={{ width: 360 }}
            maxLength={100}
            placeholder={t('credit.searchPlaceholder')}
            title={t('credit.searchPlaceholder')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => list.setFilters({ q: v.trim() })}
            enterButton={<SearchOutlined />}
            data-testid="credit-search"
          />
          <Select<CreditLevel[]>
            mode="multiple"
            allowClear
            style={{ minWidth: 240 }}
            placeholder={t('credit.allLevels')}
            value={levels}
            onChange={(v) => list.setFilters({ level: v })}
            options={(decree === '251' ? LEVELS_251 : CREDIT_LEVELS).map((l) => ({
              value: l,
              label: levelName(l, decree),
            }))}
            maxTagCount="responsive"
            data-testid="credit-level-filter"
          />
          <Space size={6}>
            <span>{t('credit.on')}</span>
            <DatePicker
              allowClear
              placeholder={on || shanghaiToday()}
              onChange={(d: PickedDate | null) => list.setFilters({ on: d ? d.format('YYYY-MM-DD') : null })}
              data-testid="credit-on"
            />
          </Space>
        </Space>
        <LoadError error={list.error} />
        {lookupCode && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={t('credit.notListed', { uscc: lookupCode })}
            action={
              <Button size="small" onClick={() => list.openRow(lookupCode)} data-testid="credit-lookup">
                {t('credit.lookup')}
              </Button>
            }
          />
        )}
        <Table<CreditListItem>
          rowKey="uscc"
          size="middle"
          loading={list.loading}
          dataSource={list.items}
          onRow={(r) => ({ onClick: () => list.openRow(r.uscc), style: { cursor: 'pointer' } })}
          locale={{ emptyText: t('credit.empty') }}
          pagination={list.pagination}
          data-testid="credit-list"
          columns={[
            {
              title: t('credit.enterprise'),
              dataIndex: 'nameCn',
              render: (v: string, r) => (
                <div data-uscc={r.uscc}>
                  <div style={{ fontWeight: 500 }}>{lang === 'en' && r.nameEn ? r.nameEn : v}</div>
                  <div style={{ ...mono, color: '#8a94a6', fontSize: 12 }}>{r.uscc}</div>
                </div>
              ),
            },
            {
              title: `${t('credit.level')}（${data?.on ?? (on || shanghaiToday())}）`,
              dataIndex: 'level',
              width: 200,
              render: (v: CreditLevel, r) => (
                <span data-testid="credit-row-level" data-level={v}>
                  <CreditLevelTag level={v} decree={data?.decree ?? decree} />
                  {!r.record && <div style={{ color: '#8a94a6', fontSize: 12 }}>{t('credit.noRecordShort')}</div>}
                </span>
              ),
            },
            {
              title: t('credit.period'),
              key: 'period',
              width: 210,
              render: (_: unknown, r) =>
                r.record ? (
                  <span style={{ ...mono, whiteSpace: 'nowrap' }}>
                    {r.record.validFrom} ~ {r.record.validTo ?? t('credit.openEnded')}
                  </span>
                ) : (
                  <span style={{ color: '#8a94a6' }}>—</span>
                ),
            },
            {
              title: t('credit.basis'),
              key: 'basis',
              ellipsis: true,
              render: (_: unknown, r) => r.record?.basis ?? <span style={{ color: '#8a94a6' }}>—</span>,
            },
            {
              title: t('credit.filingStatus'),
              dataIndex: 'filingStatus',
              width: 110,
              render: (s: FilingStatus) => <StatusTag status={s} />,
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
                  {t('credit.records')}
                </Button>
              ),
            },
          ]}
        />
      </Card>

      <CreditDrawer
        uscc={open}
        on={on}
        reloadKey={reloadKey}
        onClose={list.closeRow}
        {...(canRecord ? { onAdd: () => setAdding(true) } : {})}
      />

      <RecordModal
        open={adding}
        uscc={open ?? ''}
        onClose={() => setAdding(false)}
        onSaved={(r) => {
          setAdding(false);
          message.success(t('credit.added'));
          setReloadKey((n) => n + 1);
          void list.reload();
          list.openRow(r.uscc);
        }}
      />
    </div>
  );
}
