import { PayCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import {
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
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorText } from '../api';
import { useAuth } from '../auth';
import { clearanceApi, shanghaiMonth, type TaxBill, type TaxBillStatus, yuan } from '../clearance';
import { TaxBillStatusTag, TaxLinesTable } from '../components/Clearance';
import { mono } from '../components/Declaration';
import { LoadError } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
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
  const { t } = useTranslation();
  const list = useListPage({
    filters: (p) => {
      const status = p.get('status') ?? '';
      const month = p.get('month') ?? '';
      return {
        status: (BILL_STATUSES as string[]).includes(status) ? (status as TaxBillStatus) : undefined,
        month: MONTH_RE.test(month) ? month : undefined,
      };
    },
    fetch: (f, page) => clearanceApi.taxBills({ ...f, ...page }),
  });
  const { status, month } = list.filters;

  return (
    <div>
      <Space wrap size={12} style={{ marginBottom: 16 }}>
        <Select<TaxBillStatus>
          allowClear
          style={{ width: 140 }}
          placeholder={t('taxBills.allStatuses')}
          value={status}
          onChange={(v) => list.setFilters({ status: v ?? null })}
          options={BILL_STATUSES.map((s) => ({ value: s, label: t(`taxBills.statuses.${s}`) }))}
          data-testid="bill-status"
        />
        <Select<string>
          allowClear
          showSearch
          style={{ width: 160 }}
          placeholder={t('taxBills.releasedMonth')}
          value={month}
          onChange={(v) => list.setFilters({ month: v ?? null })}
          options={monthOptions(24, 0)}
          data-testid="bill-month"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>
          {t('common.refresh')}
        </Button>
      </Space>
      <LoadError error={list.error} />
      <BillsTable testId="tax-bills" bills={list.items} loading={list.loading} pagination={list.pagination} />
    </div>
  );
}

function DueTab() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { me } = useAuth();
  const { message, modal } = App.useApp();
  const list = useListPage({
    filters: (p) => {
      const due = p.get('due') ?? '';
      return { month: MONTH_RE.test(due) ? due : shanghaiMonth() };
    },
    fetch: ({ month }) => clearanceApi.taxDue(month),
  });
  const { month } = list.filters;
  const { data: due, loading, reload: load } = list;
  const isAdmin = me?.role === 'enterprise_admin';

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
          onChange={(v) => list.setFilters({ due: v })}
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
      <LoadError error={list.error} />
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
