import { GlobalOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { RuleObject } from 'antd/es/form';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type OverseasWarehouse, type WarehouseStatus } from '../api';
import { useAuth } from '../auth';
import { mono } from '../components/Declaration';
import { ListPage } from '../components/ListPage';
import { useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import type { Messages } from '../locales/zh';

const STATUS_COLORS: Record<WarehouseStatus, string> = {
  active: 'success',
  scheduled: 'processing',
  expired: 'default',
  withdrawn: 'error',
};

/** The roles an enterprise must be filed in to file a warehouse (src/modules/filing WAREHOUSE_OPERATOR_ROLES). */
const OPERATOR_ROLES = ['overseas_warehouse', 'ebc'];
const COUNTRY_RE = /^\d{3}$/;

/** What antd's DatePicker gives (a dayjs object); only `format` is used. */
type PickedDate = { format(template: string): string };
const day = (d: PickedDate) => d.format('YYYY-MM-DD');

/** Today in Shanghai (the platform's business day), YYYY-MM-DD. */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

type FilingValues = {
  nameCn: string;
  country: string;
  address: string;
  areaM2: string;
  goodsCategories: string[];
  validity: [PickedDate, PickedDate];
};

/** An area as the API takes it: positive, at most 9 integer digits and 2 decimals (overseas-warehouse-model.ts). */
const AREA_RE = /^(?:0|[1-9]\d{0,8})(?:\.\d{1,2})?$/;
/** An HS chapter (2 digits, 01–97 but 77) or heading (4 digits, not xx00), as the API checks it. */
function isCategory(c: string): boolean {
  if (!/^\d{2}(?:\d{2})?$/.test(c)) return false;
  const ch = Number(c.slice(0, 2));
  return ch >= 1 && ch <= 97 && ch !== 77 && (c.length === 2 || c.slice(2) !== '00');
}
/** The longest filing (src/modules/filing/overseas-warehouse-model.ts MAX_WAREHOUSE_FILING_DAYS). */
const MAX_DAYS = 5 * 366;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/**
 * The API's checks of a filing, on its fields as they are typed (the country table is the platform's: only the
 * format and China's 142 are checked here; the platform's verdict on the rest shows on the field as well).
 */
type CheckKey = keyof Messages['warehouses']['check'];

function useFilingRules() {
  const { t } = useTranslation();
  const reject = (key: CheckKey, values?: Record<string, string | number>) =>
    Promise.reject(new Error(t(`warehouses.check.${key}`, values ?? {})));
  const country: RuleObject = {
    validator: async (_, v: string | undefined) => {
      const c = (v ?? '').trim();
      if (!c) return;
      if (!COUNTRY_RE.test(c)) return reject('countryFormat');
      if (c === '142') return reject('notOverseas');
    },
  };
  const area: RuleObject = {
    validator: async (_, v: string | undefined) => {
      const a = (v ?? '').trim();
      if (a && (!AREA_RE.test(a) || /^0(?:\.0+)?$/.test(a))) return reject('area');
    },
  };
  const categories: RuleObject = {
    validator: async (_, v: string[] | undefined) => {
      const seen = new Set<string>();
      for (const raw of v ?? []) {
        const c = raw.trim();
        if (!isCategory(c)) return reject('category', { c });
        if (seen.has(c)) return reject('duplicate', { c });
        seen.add(c);
      }
    },
  };
  const validity: RuleObject = {
    validator: async (_, v: [PickedDate | null, PickedDate | null] | undefined) => {
      if (!v?.[0] || !v[1]) return;
      const from = day(v[0]);
      const to = day(v[1]);
      if (to < from) return reject('untilBeforeFrom');
      if (to < today()) return reject('over');
      if (daysBetween(from, to) > MAX_DAYS) return reject('tooLong', { days: MAX_DAYS });
    },
  };
  return { country, area, categories, validity };
}

/** The API's paths onto the form's fields: `goodsCategories.2` onto the categories, the dates onto the period. */
function onFormFields(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  const details = err.details.map((d) =>
    /^goodsCategories\.\d+$/.test(d.path)
      ? { ...d, path: 'goodsCategories' }
      : d.path === 'validFrom' || d.path === 'validTo'
        ? { ...d, path: 'validity' }
        : d,
  );
  return new ApiError(err.status, { ...err.body, details });
}

function StatusTag({ w }: { w: OverseasWarehouse }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[w.status]} data-status={w.status} style={{ marginInlineEnd: 0 }}>
      {t(`warehouses.statuses.${w.status}`)}
    </Tag>
  );
}

function FilingModal({
  open,
  uscc,
  onClose,
  onFiled,
}: {
  open: boolean;
  uscc: string;
  onClose: () => void;
  onFiled: (w: OverseasWarehouse) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FilingValues>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const rules = useFilingRules();

  useEffect(() => {
    if (open) {
      form.resetFields();
      serverErrors.clear();
    }
  }, [open, form, serverErrors.clear]);

  const submit = async (v: FilingValues) => {
    serverErrors.clear();
    setBusy(true);
    try {
      const [from, to] = v.validity;
      onFiled(
        await api.warehouses.file(uscc, {
          nameCn: v.nameCn.trim(),
          country: v.country.trim(),
          address: v.address.trim(),
          areaM2: v.areaM2.trim(),
          goodsCategories: v.goodsCategories.map((c) => c.trim()),
          validFrom: day(from),
          validTo: day(to),
        }),
      );
    } catch (err) {
      serverErrors.show(onFormFields(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('warehouses.fileTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('warehouses.file')}
      okButtonProps={{ 'data-testid': 'warehouse-submit' } as never}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={640}
      destroyOnHidden
    >
      {serverErrors.alert}
      <Form<FilingValues> form={form} name="warehouse" layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item
          name="nameCn"
          label={t('warehouses.name')}
          rules={[{ required: true, whitespace: true, message: t('warehouses.nameRequired') }]}
        >
          <Input maxLength={200} placeholder={t('warehouses.namePlaceholder')} />
        </Form.Item>
        <Space size={16} wrap align="start">
          <Form.Item
            name="country"
            label={t('warehouses.country')}
            extra={t('warehouses.countryHint')}
            style={{ width: 280 }}
            rules={[{ required: true, whitespace: true, message: t('warehouses.countryRequired') }, rules.country]}
          >
            <Input maxLength={3} style={mono} placeholder="304" />
          </Form.Item>
          <Form.Item
            name="areaM2"
            label={t('warehouses.area')}
            style={{ width: 240 }}
            rules={[{ required: true, whitespace: true, message: t('warehouses.areaRequired') }, rules.area]}
          >
            <Input maxLength={20} suffix="m²" placeholder="2400" />
          </Form.Item>
        </Space>
        <Form.Item
          name="address"
          label={t('warehouses.address')}
          rules={[{ required: true, whitespace: true, message: t('warehouses.addressRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={500} placeholder={t('warehouses.addressPlaceholder')} />
        </Form.Item>
        <Form.Item
          name="goodsCategories"
          label={t('warehouses.categories')}
          extra={t('warehouses.categoriesHint')}
          rules={[
            { required: true, type: 'array', min: 1, message: t('warehouses.categoriesRequired') },
            rules.categories,
          ]}
        >
          <Select
            mode="tags"
            tokenSeparators={[',', '，', ' ', '、']}
            placeholder={t('warehouses.categoriesPlaceholder')}
            style={mono}
            data-testid="warehouse-categories"
          />
        </Form.Item>
        <Form.Item
          name="validity"
          label={t('warehouses.validity')}
          extra={t('warehouses.validityHint')}
          rules={[{ required: true, message: t('warehouses.validityRequired') }, rules.validity]}
        >
          <DatePicker.RangePicker style={{ width: 320 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function WithdrawModal({
  target,
  uscc,
  onClose,
  onWithdrawn,
}: {
  target: OverseasWarehouse | null;
  uscc: string;
  onClose: () => void;
  onWithdrawn: (w: OverseasWarehouse) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);

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
      onWithdrawn(await api.warehouses.withdraw(uscc, target.id, v.reason.trim()));
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={t('warehouses.withdrawTitle', { name: target?.nameCn ?? '', code: target?.code ?? '' })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('warehouses.withdraw')}
      okButtonProps={{ danger: true, 'data-testid': 'warehouse-withdraw-submit' } as never}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Alert type="warning" showIcon message={t('warehouses.withdrawHint')} style={{ marginBottom: 16 }} />
      {serverErrors.alert}
      <Form form={form} name="warehouseWithdraw" layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item
          name="reason"
          label={t('warehouses.reason')}
          rules={[{ required: true, whitespace: true, message: t('warehouses.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('warehouses.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 海外仓 (portal): the enterprise's overseas-warehouse filings, which its administrator files and withdraws;
 * 海外仓备案 (console): every filing, by operator and country, read-only. Filters live in the address.
 */
export default function OverseasWarehouses({ scope = 'portal' }: { scope?: 'portal' | 'console' }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const { me } = useAuth();
  const uscc = me?.enterpriseUscc ?? '';
  const portal = scope === 'portal';
  const isAdmin = portal && me?.role === 'enterprise_admin';
  const [filing, setFiling] = useState(false);
  const [withdrawing, setWithdrawing] = useState<OverseasWarehouse | null>(null);

  const list = useListPage({
    filters: (p) => ({ country: p.get('country') ?? '', operator: p.get('operator') ?? '' }),
    fetch: async ({ country, operator }, page) => {
      const c = COUNTRY_RE.test(country) ? country : undefined;
      if (!portal) return api.warehouses.all({ operator: operator || undefined, country: c, ...page });
      const [rows, enterprise] = await Promise.all([
        api.warehouses.list(uscc, { country: c, ...page }),
        isAdmin ? api.enterprises.get(uscc) : Promise.resolve(null),
      ]);
      return { ...rows, enterprise };
    },
    deps: [scope, uscc],
    enabled: !portal || !!uscc,
  });
  const { country, operator } = list.filters;
  const [countryInput, setCountryInput] = useState(country);
  const [operatorInput, setOperatorInput] = useState(operator);
  const enterprise = list.data && 'enterprise' in list.data ? list.data.enterprise : null;
  const mayFile =
    !!enterprise &&
    enterprise.status === 'approved' &&
    enterprise.roles.some((r) => (OPERATOR_ROLES as readonly string[]).includes(r));

  const columns = [
    {
      title: t('warehouses.code'),
      dataIndex: 'code',
      width: 100,
      render: (v: string) => <span style={mono}>{v}</span>,
    },
    ...(portal
      ? []
      : [
          {
            title: t('warehouses.operator'),
            key: 'operator',
            width: 230,
            render: (_: unknown, w: OverseasWarehouse) => (
              <div>
                <div>{w.operator.nameCn ?? '—'}</div>
                <div style={{ ...mono, fontSize: 12, color: '#8a94a6' }}>{w.operator.uscc}</div>
              </div>
            ),
          },
        ]),
    {
      title: t('warehouses.name'),
      key: 'name',
      width: 240,
      render: (_: unknown, w: OverseasWarehouse) => (
        <div>
          <div>{w.nameCn}</div>
          <div style={{ fontSize: 12, color: '#8a94a6', wordBreak: 'break-word' }}>{w.address}</div>
        </div>
      ),
    },
    {
      title: t('warehouses.country'),
      dataIndex: 'country',
      width: 80,
      render: (v: string) => (
        <span style={mono} title={t('warehouses.countryCode')} data-testid="warehouse-country">
          {v}
        </span>
      ),
    },
    {
      title: t('warehouses.areaShort'),
      dataIndex: 'areaM2',
      width: 110,
      align: 'right' as const,
      render: (v: string) => (
        <span style={{ whiteSpace: 'nowrap' }}>{Number(v).toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN')}</span>
      ),
    },
    {
      title: t('warehouses.categories'),
      dataIndex: 'goodsCategories',
      width: 170,
      render: (cs: string[]) => (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4 }}>
          {cs.map((c) => (
            <Tag key={c} style={{ ...mono, marginInlineEnd: 0 }}>
              {c}
            </Tag>
          ))}
        </div>
      ),
    },
    {
      title: t('warehouses.validity'),
      key: 'validity',
      width: 190,
      render: (_: unknown, w: OverseasWarehouse) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {w.validFrom} – {w.validTo}
        </span>
      ),
    },
    {
      title: t('warehouses.status'),
      key: 'status',
      width: 170,
      render: (_: unknown, w: OverseasWarehouse) => (
        <div data-testid="warehouse-status">
          <StatusTag w={w} />
          {w.status === 'withdrawn' && w.withdrawnOn && (
            <div style={{ fontSize: 12, color: '#596275', marginTop: 2, wordBreak: 'break-word' }}>
              {t('warehouses.withdrawnInfo', { date: w.withdrawnOn, reason: w.withdrawReason ?? '' })}
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
            width: 80,
            render: (_: unknown, w: OverseasWarehouse) =>
              w.status === 'active' || w.status === 'scheduled' ? (
                <Button
                  type="link"
                  danger
                  size="small"
                  onClick={() => setWithdrawing(w)}
                  data-testid="warehouse-withdraw"
                >
                  {t('warehouses.withdraw')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <ListPage
      style={{ maxWidth: 1360 }}
      title={t(portal ? 'warehouses.title' : 'warehouses.consoleTitle')}
      intro={
        <Space direction="vertical" size={4}>
          <span>
            <GlobalOutlined style={{ marginInlineEnd: 6 }} />
            {t(portal ? 'warehouses.intro' : 'warehouses.consoleIntro')}
          </span>
          {portal && !isAdmin && <span data-testid="warehouse-read-only">{t('warehouses.onlyAdmin')}</span>}
        </Space>
      }
      actions={
        isAdmin ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setFiling(true)}
            disabled={!mayFile}
            data-testid="warehouse-file"
          >
            {t('warehouses.file')}
          </Button>
        ) : null
      }
      onRefresh={() => void list.reload()}
      error={list.error}
      onErrorClose={list.clearError}
      filters={
        <>
          {!portal && (
            <Input.Search
              allowClear
              style={{ width: 300 }}
              placeholder={t('warehouses.operatorFilter')}
              title={t('warehouses.operatorFilter')}
              value={operatorInput}
              onChange={(e) => setOperatorInput(e.target.value.toUpperCase())}
              onSearch={(v) => list.setFilters({ operator: v.trim().toUpperCase() })}
              enterButton={<SearchOutlined />}
              maxLength={18}
              data-testid="warehouse-operator-filter"
            />
          )}
          <Input.Search
            allowClear
            style={{ width: 220 }}
            placeholder={t('warehouses.countryFilter')}
            title={t('warehouses.countryFilter')}
            value={countryInput}
            onChange={(e) => setCountryInput(e.target.value)}
            onSearch={(v) => list.setFilters({ country: v.trim() })}
            enterButton={<SearchOutlined />}
            maxLength={3}
            status={countryInput && !COUNTRY_RE.test(countryInput) ? 'error' : undefined}
            data-testid="warehouse-country-filter"
          />
        </>
      }
      after={
        isAdmin ? (
          <>
            <FilingModal
              open={filing}
              uscc={uscc}
              onClose={() => setFiling(false)}
              onFiled={(w) => {
                setFiling(false);
                message.success(t('warehouses.filed', { code: w.code }));
                void list.reload();
              }}
            />
            <WithdrawModal
              target={withdrawing}
              uscc={uscc}
              onClose={() => setWithdrawing(null)}
              onWithdrawn={(w) => {
                setWithdrawing(null);
                message.success(t('warehouses.withdrawn', { code: w.code }));
                void list.reload();
              }}
            />
          </>
        ) : null
      }
    >
      {isAdmin && enterprise && !mayFile && (
        <Alert
          type="warning"
          showIcon
          message={t('warehouses.notOperator')}
          style={{ marginBottom: 12 }}
          data-testid="warehouse-not-operator"
        />
      )}
      <Table<OverseasWarehouse>
        data-testid="warehouses"
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        locale={{ emptyText: t(portal ? 'warehouses.none' : 'warehouses.noneAll') }}
        columns={columns}
        scroll={{ x: 'max-content' }}
      />
      {list.error ? null : (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('warehouses.countryNote')}
        </Typography.Text>
      )}
    </ListPage>
  );
}
