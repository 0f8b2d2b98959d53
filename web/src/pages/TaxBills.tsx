import { PayCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  type TablePaginationConfig,
  Tabs,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorText } from '../api';
import { useAuth } from '../auth';
import { clearanceApi, shanghaiMonth, type TaxBill, type TaxBillStatus, type TaxDue, yuan } from '../clearance';
import { TaxBillStatusTag, TaxLinesTable } from '../components/Clearance';
import { mono } from '../components/Declaration';
import { EnterpriseCode } from '../enterprises';

const BILL_STATUSES: TaxBillStatus[] = ['1', '2', '3'];
const amount = (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{yuan(v)}</span>;
const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Months to choose from: from `back` months before the current month to `ahead` months after, newest first. */
function monthOptions(back: number, ahead: number): { value: string; label: string }[] {
  const [y, m] = shanghaiMonth().split('-').map(Number) as [number, number];
  const out: { value: string; label: string }[] = [];
  for (let i = ahead; i >= -back; i--) {
    const d = new Date(Date.UTC(y, m - 1 + i, 1));
    const v = d.toISOString().slice(0, 7);
    out.push({ value: v, label: v });
  }
  return out;
}

function BillsTable({
  bills,
  loading,
  pagination,
  onChange,
  testId,
}: {
  bills: TaxBill[];
  loading?: boolean;
  pagination: TablePaginationConfig | false;
  onChange?: (p: TablePaginationConfig) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Table<TaxBill>
      rowKey="taxNo"
      size="middle"
      loading={loading}
      dataSource={bills}
      onChange={onChange}
      pagination={pagination}
      data-testid={testId}
      scroll={{ x: 1400 }}
      expandable={{
        expandedRowRender: (b) => <TaxLinesTable lines={b.items ?? []} />,
      }}
      columns={[
        {
          title: t('taxBills.taxNo'),
          dataIndex: 'taxNo',
          width: 180,
          render: (v: string, b) => (
            <div>
              <div style={mono}>{v}</div>
              <div style={{ ...mono, color: '#8a94a6', fontSize: 12 }}>
                {t('clearance.invtNo')} {b.invtNo}
              </div>
            </div>
          ),
        },
        {
          title: `${t('clearance.ebc')} / ${t('taxBills.assure')}`,
          key: 'parties',
          width: 230,
          render: (_: unknown, b) => (
            <div style={{ display: 'flex', flexDirection: 'column', gap: 4 }} data-testid="bill-parties">
              <EnterpriseCode code={b.ebcCode} />
              {b.assureCode && b.assureCode !== b.ebcCode && <EnterpriseCode code={b.assureCode} />}
            </div>
          ),
        },
        {
          title: t('taxBills.status'),
          dataIndex: 'status',
          width: 90,
          render: (s: TaxBillStatus) => <TaxBillStatusTag status={s} />,
        },
        { title: t('clearance.customsTax'), dataIndex: 'customsTax', align: 'right', width: 100, render: amount },
        { title: t('clearance.valueAddedTax'), dataIndex: 'valueAddedTax', align: 'right', width: 100, render: amount },
        {
          title: t('clearance.consumptionTax'),
          dataIndex: 'consumptionTax',
          align: 'right',
          width: 100,
          render: amount,
        },
        { title: t('taxBills.netted'), dataIndex: 'netted', align: 'right', width: 100, render: amount },
        {
          title: t('taxBills.payable'),
          dataIndex: 'payable',
          align: 'right',
          width: 110,
          render: (v: string) => (
            <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
              {yuan(v)}
            </Typography.Text>
          ),
        },
        {
          title: t('taxBills.releasedOn'),
          dataIndex: 'releasedOn',
          width: 110,
          render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{v}</span>,
        },
        {
          title: t('taxBills.dueWindow'),
          key: 'due',
          width: 120,
          render: (_: unknown, b) => (
            <div style={{ whiteSpace: 'nowrap' }}>
              <div>{b.dueFrom}</div>
              <div style={{ color: '#8a94a6' }}>~ {b.dueTo}</div>
            </div>
          ),
        },
        {
          title: t('taxBills.entDutyNo'),
          dataIndex: 'entDutyNo',
          width: 170,
          render: (v: string | null) => (v ? <span style={{ ...mono, fontSize: 12 }}>{v}</span> : '—'),
        },
      ]}
    />
  );
}

function BillsTab() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status') ?? '';
  const status = (BILL_STATUSES as string[]).includes(statusParam) ? (statusParam as TaxBillStatus) : undefined;
  const monthParam = params.get('month') ?? '';
  const month = MONTH_RE.test(monthParam) ? monthParam : undefined;
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const [data, setData] = useState<{ items: TaxBill[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const key = JSON.stringify([status, month, page, pageSize]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const r = await clearanceApi.taxBills({ status, month, page, pageSize });
      setData({ items: r.items, total: r.total });
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [key]);

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

  return (
    <div>
      <Space wrap size={12} style={{ marginBottom: 16 }}>
        <Select<TaxBillStatus>
          allowClear
          style={{ width: 140 }}
          placeholder={t('taxBills.allStatuses')}
          value={status}
          onChange={(v) => update({ status: v ?? null, page: null })}
          options={BILL_STATUSES.map((s) => ({ value: s, label: t(`taxBills.statuses.${s}`) }))}
          data-testid="bill-status"
        />
        <Select<string>
          allowClear
          showSearch
          style={{ width: 160 }}
          placeholder={t('taxBills.releasedMonth')}
          value={month}
          onChange={(v) => update({ month: v ?? null, page: null })}
          options={monthOptions(24, 0)}
          data-testid="bill-month"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </Space>
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} /> : null}
      <BillsTable
        testId="tax-bills"
        bills={data.items}
        loading={loading}
        onChange={(p) => update({ page: String(p.current ?? 1), pageSize: String(p.pageSize ?? 20) })}
        pagination={{
          current: page,
          pageSize,
          total: data.total,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { count: n }),
        }}
      />
    </div>
  );
}

function DueTab() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { me } = useAuth();
  const { message, modal } = App.useApp();
  const [params, setParams] = useSearchParams();
  const dueParam = params.get('due') ?? '';
  const month = MONTH_RE.test(dueParam) ? dueParam : shanghaiMonth();
  const [due, setDue] = useState<TaxDue | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const isAdmin = me?.role === 'enterprise_admin';

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setDue(await clearanceApi.taxDue(month));
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [month]);

  useEffect(() => {
    void load();
  }, [load]);

  const openBills = (due?.bills ?? []).filter((b) => b.status === '1');
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const payableNow = openBills.filter((b) => b.dueFrom <= today);
  const payableNowFen = payableNow.reduce((s, b) => s + Math.round(Number(b.payable) * 100), 0);

  const pay = () => {
    modal.confirm({
      title: t('taxBills.payTitle', { month }),
      content: t('taxBills.payBody', { amount: yuan((payableNowFen / 100).toFixed(2)) }),
      okText: t('taxBills.pay'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const r = await clearanceApi.consolidate(month);
          if (r.bills === 0) message.info(t('taxBills.nothingToPay'));
          else message.success(t('taxBills.paid', { count: r.bills, no: r.entDutyNo ?? '', amount: yuan(r.paid) }));
          await load();
        } catch (err) {
          message.error(errorText(err, lang));
        }
      },
    });
  };

  const totals = due?.totals;
  return (
    <div>
      <Typography.Paragraph type="secondary">{t('taxBills.dueIntro')}</Typography.Paragraph>
      <Space wrap size={12} style={{ marginBottom: 16 }}>
        <span>{t('taxBills.month')}</span>
        <Select<string>
          showSearch
          style={{ width: 140 }}
          value={month}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            next.set('due', v);
            setParams(next, { replace: true });
          }}
          options={monthOptions(24, 3)}
          data-testid="due-month"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
        <Tooltip
          title={isAdmin ? (payableNow.length === 0 ? t('taxBills.nothingToPay') : '') : t('taxBills.adminOnly')}
        >
          <Button
            type="primary"
            icon={<PayCircleOutlined />}
            disabled={!isAdmin || payableNow.length === 0}
            onClick={pay}
            data-testid="consolidate"
          >
            {t('taxBills.pay')}
          </Button>
        </Tooltip>
      </Space>
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} /> : null}
      {totals && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="due-totals">
          <Col xs={12} md={5}>
            <Statistic title={t('taxBills.assessed')} value={yuan(totals.assessed)} />
          </Col>
          <Col xs={12} md={5}>
            <Statistic title={t('taxBills.netted')} value={yuan(totals.netted)} />
          </Col>
          <Col xs={12} md={4}>
            <Statistic title={t('taxBills.voided')} value={yuan(totals.voided)} />
          </Col>
          <Col xs={12} md={5}>
            <Statistic
              title={t('taxBills.payable')}
              value={yuan(totals.payable)}
              valueStyle={{ color: '#1a5fb4', fontWeight: 600 }}
            />
          </Col>
          <Col xs={12} md={5}>
            <Statistic title={t('taxBills.consolidated')} value={yuan(totals.consolidated)} />
          </Col>
        </Row>
      )}
      {due?.window && (
        <Typography.Paragraph>
          {t('taxBills.dueWindow')}：{due.window.from} ~ {due.window.to}
        </Typography.Paragraph>
      )}
      {due && due.bills.length === 0 && !loading ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('taxBills.noBills')} />
      ) : (
        <BillsTable testId="due-bills" bills={due?.bills ?? []} loading={loading} pagination={false} />
      )}
    </div>
  );
}

/** 电子税单 and 汇总征税: the enterprise's tax bills, and the guarantor's monthly consolidated payment. */
export default function TaxBills() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'due' ? 'due' : 'bills';
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('taxBills.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t('taxBills.intro')}
      </Typography.Paragraph>
      <Card variant="borderless" styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'due' ? { tab: 'due' } : {}, { replace: true })}
          items={[
            { key: 'bills', label: t('taxBills.billsTab'), children: tab === 'bills' ? <BillsTab /> : null },
            { key: 'due', label: t('taxBills.dueTab'), children: tab === 'due' ? <DueTab /> : null },
          ]}
        />
      </Card>
    </div>
  );
}
