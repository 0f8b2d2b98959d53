import { AuditOutlined, CheckOutlined, CloseOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorText } from '../api';
import {
  type ClearanceListDetail,
  clearanceApi,
  type DecisionReason,
  keyedReasons,
  LIST_STATUS_COLORS,
  type ListEvent,
  type ListReturn,
  type ListStatus,
  type MissingDocument,
  percent,
  reasonText,
  type Sampling,
  type TaxBill,
  type TaxBillStatus,
  type Taxed,
  type TaxLine,
  yuan,
} from '../clearance';
import { EnterpriseCode } from '../enterprises';
import { formatTime } from '../i18n';
import { CodeName, mono, ReturnStatusTag } from './Declaration';
import { SectionTitle } from './EnterpriseView';
import { useServerErrors } from './serverErrors';

/** A string key built from backend data: its translation when it exists, else the raw value. */
function useDataLabel(): (key: string, raw: string) => string {
  const { t, i18n } = useTranslation();
  return (key, raw) => (i18n.exists(key) ? (t(key as never) as string) : raw);
}

export function ListStatusTag({ status }: { status: ListStatus }) {
  const label = useDataLabel();
  return (
    <Tag color={LIST_STATUS_COLORS[status] ?? 'default'} data-status={status} style={{ marginInlineEnd: 0 }}>
      {label(`clearance.status.${status}`, status)}
    </Tag>
  );
}

const TAX_BILL_COLORS: Record<TaxBillStatus, string> = { '1': 'processing', '2': 'success', '3': 'default' };

export function TaxBillStatusTag({ status }: { status: TaxBillStatus }) {
  const label = useDataLabel();
  return (
    <Tag color={TAX_BILL_COLORS[status] ?? 'default'} data-tax-status={status} style={{ marginInlineEnd: 0 }}>
      {label(`taxBills.statuses.${status}`, status)}
    </Tag>
  );
}

/** The documents a list still waits for, in words. */
export function useMissingText(): (missing: readonly MissingDocument[]) => string {
  const { t, i18n } = useTranslation();
  const sep = i18n.language === 'en' ? ', ' : '、';
  return (missing) => missing.map((m) => t(`clearance.missing.${m}`)).join(sep);
}

/** The reasons of a decision in plain words: the item, the words in the current language, the code. */
export function ReasonList({ reasons, tone }: { reasons: readonly DecisionReason[]; tone?: 'error' | 'info' }) {
  const { t, i18n } = useTranslation();
  if (reasons.length === 0) return <Typography.Text type="secondary">{t('clearance.noReasons')}</Typography.Text>;
  return (
    <Table<{ key: string; r: DecisionReason }>
      size="small"
      pagination={false}
      showHeader={false}
      dataSource={keyedReasons(reasons)}
      data-testid="list-reasons"
      columns={[
        {
          key: 'item',
          width: 76,
          render: (_: unknown, { r }) =>
            r.item !== undefined ? (
              <Tag style={{ marginInlineEnd: 0 }}>{t('clearance.item', { n: r.item })}</Tag>
            ) : null,
        },
        {
          key: 'text',
          render: (_: unknown, { r }) => (
            <span style={{ color: tone === 'error' ? '#cf1322' : undefined }}>{reasonText(r, i18n.language)}</span>
          ),
        },
        {
          key: 'code',
          width: 220,
          render: (_: unknown, { r }) => <CodeName code={r.code} />,
        },
      ]}
    />
  );
}

/** The credit level's name (Decree 282 levels; the credit page's words). */
export function useCreditLevelName(): (level: string) => string {
  const label = useDataLabel();
  return (level) => label(`credit.level282.${level}`, level);
}

export function SamplingView({ sampling }: { sampling: Sampling | null | undefined }) {
  const { t } = useTranslation();
  const levelName = useCreditLevelName();
  if (!sampling) return <Typography.Text type="secondary">{t('clearance.noSampling')}</Typography.Text>;
  return (
    <Descriptions size="small" column={2} bordered data-testid="list-sampling">
      <Descriptions.Item label={t('clearance.creditLevel')}>{levelName(sampling.level)}</Descriptions.Item>
      <Descriptions.Item label={t('clearance.rate')}>{percent(sampling.rate)}</Descriptions.Item>
      <Descriptions.Item label={t('clearance.seed')}>
        <Typography.Text copyable style={{ ...mono, fontSize: 12 }}>
          {sampling.seed}
        </Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label={t('clearance.draw')}>
        <span style={mono}>{sampling.draw}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('clearance.result')} span={2}>
        {sampling.inspect ? (
          <Tag color="orange">{t('clearance.inspected')}</Tag>
        ) : (
          <Tag color="green">{t('clearance.notInspected')}</Tag>
        )}
      </Descriptions.Item>
    </Descriptions>
  );
}

export function TaxLinesTable({ lines }: { lines: readonly TaxLine[] }) {
  const { t } = useTranslation();
  return (
    <Table<TaxLine>
      size="small"
      rowKey="gnum"
      pagination={false}
      dataSource={[...lines]}
      data-testid="tax-lines"
      columns={[
        { title: t('clearance.gnum'), dataIndex: 'gnum', width: 60 },
        {
          title: t('clearance.gcode'),
          dataIndex: 'gcode',
          render: (v: string) => <span style={mono}>{v}</span>,
        },
        { title: t('clearance.taxPrice'), dataIndex: 'taxPrice', align: 'right', render: yuan },
        { title: t('clearance.customsTax'), dataIndex: 'customsTax', align: 'right', render: yuan },
        { title: t('clearance.valueAddedTax'), dataIndex: 'valueAddedTax', align: 'right', render: yuan },
        { title: t('clearance.consumptionTax'), dataIndex: 'consumptionTax', align: 'right', render: yuan },
      ]}
    />
  );
}

export function TaxedView({ taxed }: { taxed: Taxed | undefined }) {
  const { t } = useTranslation();
  const label = useDataLabel();
  if (!taxed) return <Typography.Text type="secondary">{t('clearance.notAssessed')}</Typography.Text>;
  return (
    <div data-testid="list-tax">
      <Descriptions size="small" column={3} bordered style={{ marginBottom: 12 }}>
        {taxed.regime && (
          <Descriptions.Item label={t('clearance.regime')} span={3}>
            {label(`clearance.regimes.${taxed.regime}`, taxed.regime)}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('clearance.amount')}>{yuan(taxed.amount)}</Descriptions.Item>
        <Descriptions.Item label={t('clearance.customsTax')}>{yuan(taxed.customsTax)}</Descriptions.Item>
        <Descriptions.Item label={t('clearance.valueAddedTax')}>{yuan(taxed.valueAddedTax)}</Descriptions.Item>
        <Descriptions.Item label={t('clearance.consumptionTax')}>{yuan(taxed.consumptionTax)}</Descriptions.Item>
        <Descriptions.Item label={t('clearance.total')} span={2}>
          <Typography.Text strong>{yuan(taxed.total)}</Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <TaxLinesTable lines={taxed.lines} />
    </div>
  );
}

const EVENT_COLORS: Record<string, string> = {
  waiting: 'gray',
  review: 'orange',
  inspection: 'orange',
  released: 'green',
  closed: 'green',
  rejected: 'red',
  cancelled: 'gray',
  'return-applied': 'blue',
  'return-arrived': 'green',
  'return-late': 'red',
};

type EventDetail = {
  note?: string;
  officer?: { name?: string | null };
  decision?: string;
  reasons?: DecisionReason[];
  taxNo?: string;
  entDutyNo?: string;
  missing?: MissingDocument[];
};

export function EventTimeline({ events }: { events: readonly ListEvent[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = useDataLabel();
  const missingText = useMissingText();
  if (events.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('clearance.noEvents')} />;
  return (
    <Timeline
      data-testid="list-events"
      items={events.map((e) => {
        const d = (e.detail && typeof e.detail === 'object' ? e.detail : {}) as EventDetail;
        // enterprises see `customs` for an officer's decision (the officer's name is the officers' to see)
        const who =
          e.actor === 'engine'
            ? t('clearance.engine')
            : e.actor === 'customs'
              ? t('clearance.customsOfficer')
              : (d.officer?.name ?? e.actor);
        const rejectedReasons = e.kind === 'rejected' && Array.isArray(d.reasons) ? d.reasons : [];
        return {
          key: String(e.id),
          color: EVENT_COLORS[e.kind] ?? 'blue',
          children: (
            <div data-event={e.kind}>
              <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                <Typography.Text strong>{label(`clearance.events.${e.kind}`, e.kind)}</Typography.Text>
                {e.returnStatus && <ReturnStatusTag status={e.returnStatus} />}
              </div>
              <div style={{ color: '#8a94a6', fontSize: 12, marginTop: 2 }}>
                {formatTime(e.at, lang)} · {who}
                {d.taxNo ? ` · ${t('taxBills.taxNo')} ${d.taxNo}` : ''}
                {d.entDutyNo ? ` · ${t('taxBills.entDutyNo')} ${d.entDutyNo}` : ''}
              </div>
              {d.missing && d.missing.length > 0 && (
                <div style={{ marginTop: 4 }}>{t('clearance.waitingFor', { docs: missingText(d.missing) })}</div>
              )}
              {d.note && (
                <div style={{ marginTop: 4, background: '#f6f8fb', padding: '4px 8px', borderRadius: 4 }}>
                  {t('clearance.note')}：{d.note}
                </div>
              )}
              {rejectedReasons.length > 0 && (
                <div style={{ marginTop: 4, fontSize: 13 }}>
                  {rejectedReasons.map((r) => reasonText(r, lang)).join('；')}
                </div>
              )}
            </div>
          ),
        };
      })}
    />
  );
}

export function ReturnsTable({
  returns,
  canConfirm,
  onConfirmed,
}: {
  returns: readonly ListReturn[];
  canConfirm: boolean;
  onConfirmed: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = useDataLabel();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  if (returns.length === 0) {
    return <Typography.Text type="secondary">{t('clearance.noReturns')}</Typography.Text>;
  }
  const confirm = async (id: string) => {
    setBusy(id);
    try {
      await clearanceApi.confirmArrival(id);
      message.success(t('clearance.arrivalConfirmed'));
      onConfirmed();
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Table<ListReturn>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={[...returns]}
      data-testid="list-returns"
      columns={[
        {
          title: t('clearance.returnStatusLabel'),
          dataIndex: 'status',
          width: 110,
          render: (v: string) => (
            <Tag color={v === 'arrived' ? 'success' : v === 'applied' ? 'processing' : 'default'}>
              {label(`clearance.returnStatuses.${v}`, v)}
            </Tag>
          ),
        },
        { title: t('clearance.returnAmount'), dataIndex: 'amount', align: 'right', render: yuan },
        { title: t('clearance.returnTax'), dataIndex: 'tax', align: 'right', render: yuan },
        { title: t('clearance.appliedAt'), dataIndex: 'appliedAt', render: (v: string) => formatTime(v, lang) },
        {
          title: t('clearance.arrivedAt'),
          dataIndex: 'arrivedAt',
          render: (v: string | null) => formatTime(v, lang),
        },
        { title: t('clearance.reason'), dataIndex: 'reason', render: (v: string | null) => v || '—' },
        ...(canConfirm
          ? [
              {
                title: t('common.actions'),
                key: 'actions',
                width: 110,
                render: (_: unknown, r: ListReturn) =>
                  r.status === 'applied' ? (
                    <Popconfirm
                      title={t('clearance.confirmArrivalTitle')}
                      description={t('clearance.confirmArrivalBody')}
                      okText={t('common.confirm')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => confirm(r.id)}
                    >
                      <Button size="small" loading={busy === r.id} data-testid="confirm-arrival">
                        {t('clearance.confirmArrival')}
                      </Button>
                    </Popconfirm>
                  ) : null,
              },
            ]
          : []),
      ]}
    />
  );
}

export function TaxBillView({ bill }: { bill: TaxBill | null | undefined }) {
  const { t } = useTranslation();
  if (!bill) return <Typography.Text type="secondary">{t('clearance.noTaxBill')}</Typography.Text>;
  return (
    <div data-testid="list-tax-bill">
      <Descriptions size="small" column={2} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('taxBills.taxNo')}>
          <span style={mono}>{bill.taxNo}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('taxBills.status')}>
          <TaxBillStatusTag status={bill.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('clearance.customsTax')}>{yuan(bill.customsTax)}</Descriptions.Item>
        <Descriptions.Item label={t('clearance.valueAddedTax')}>{yuan(bill.valueAddedTax)}</Descriptions.Item>
        <Descriptions.Item label={t('clearance.consumptionTax')}>{yuan(bill.consumptionTax)}</Descriptions.Item>
        <Descriptions.Item label={t('clearance.total')}>{yuan(bill.total)}</Descriptions.Item>
        <Descriptions.Item label={t('taxBills.netted')}>{yuan(bill.netted)}</Descriptions.Item>
        <Descriptions.Item label={t('taxBills.payable')}>
          <Typography.Text strong>{yuan(bill.payable)}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('taxBills.releasedOn')}>{bill.releasedOn}</Descriptions.Item>
        <Descriptions.Item label={t('taxBills.dueWindow')}>
          {bill.dueFrom} ~ {bill.dueTo}
        </Descriptions.Item>
        {bill.entDutyNo && (
          <Descriptions.Item label={t('taxBills.entDutyNo')} span={2}>
            <span style={mono}>{bill.entDutyNo}</span>
          </Descriptions.Item>
        )}
      </Descriptions>
    </div>
  );
}

/** The officer's release or reject, with the note the backend requires. */
function DecisionModal({
  action,
  list,
  onClose,
  onDone,
}: {
  action: 'release' | 'reject' | null;
  list: ClearanceListDetail;
  onClose: () => void;
  onDone: (l: ClearanceListDetail) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note: string }>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const actionLabel = action ? t(`review.${action}`) : '';

  useEffect(() => {
    if (action) {
      form.resetFields();
      errors.clear();
    }
  }, [action, form, errors.clear]);

  const submit = async (v: { note: string }) => {
    if (!action) return;
    setBusy(true);
    errors.clear();
    try {
      onDone(await clearanceApi.decide(list.id, action, v.note.trim()));
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={action !== null}
      title={t('review.decideTitle', { action: actionLabel, invtNo: list.invtNo ?? list.orderNo })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={actionLabel}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: action === 'reject' }}
      confirmLoading={busy}
      destroyOnHidden
    >
      {errors.alert}
      <Form form={form} layout="vertical" onFinish={submit} name="clearanceDecision">
        <Form.Item
          name="note"
          label={t('review.note')}
          rules={[{ required: true, whitespace: true, message: t('review.noteRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('review.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Party({ code }: { code: string }) {
  return <EnterpriseCode code={code} />;
}

/**
 * One list in a drawer: its status and reasons in plain words, the documents it waits for, the sampling, the tax,
 * the event timeline, returns and the tax bill; for a customs officer, release/reject (in review or inspection)
 * and the confirmation that returned goods arrived.
 */
export function ListDetailDrawer({
  id,
  onClose,
  onChanged,
  officer,
}: {
  id: string | null;
  onClose: () => void;
  onChanged?: () => void;
  /** A customs officer: may decide and confirm arrivals. */
  officer?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const missingText = useMissingText();
  const label = useDataLabel();
  const [list, setList] = useState<ClearanceListDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [action, setAction] = useState<'release' | 'reject' | null>(null);

  const load = useCallback(async (listId: string) => {
    setError(null);
    try {
      setList(await clearanceApi.list(listId));
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    setList(null);
    setAction(null);
    if (id) void load(id);
  }, [id, load]);

  const l = list;
  const d = l?.decision ?? null;
  const pending = !!l && (l.status === 'review' || l.status === 'inspection');
  const reasons = d?.reasons ?? [];
  // after an officer's decision the list's decision no longer carries the draw: the inspection event does
  const sampling =
    d?.sampling ??
    (l?.events ?? [])
      .map((e) => (e.detail as { sampling?: Sampling | null } | null)?.sampling)
      .filter((x): x is Sampling => !!x)
      .pop() ??
    null;

  let summary: ReactNode = null;
  if (l && d?.outcome === 'waiting' && d.missing?.length) {
    summary = (
      <Alert
        type="info"
        showIcon
        message={t('clearance.waitingFor', { docs: missingText(d.missing) })}
        data-testid="list-waiting"
      />
    );
  } else if (l && l.status === 'rejected') {
    summary = (
      <Alert
        type="error"
        showIcon
        message={t('clearance.rejectedBecause')}
        description={<ReasonList reasons={reasons} tone="error" />}
      />
    );
  }

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      width={900}
      title={
        l ? (
          <Space wrap>
            <span style={mono}>{l.invtNo ?? l.orderNo}</span>
            <ListStatusTag status={l.status} />
            <ReturnStatusTag status={l.returnStatus} />
          </Space>
        ) : (
          t('clearance.detail')
        )
      }
      extra={
        l && officer ? (
          <Space data-testid="decision-buttons">
            {l.invtNo && (
              <Link to={`/console/audit?targetId=${encodeURIComponent(l.invtNo)}`} data-testid="audit-link">
                <Button icon={<AuditOutlined />}>{t('clearance.audit')}</Button>
              </Link>
            )}
            {pending && (
              <>
                <Button danger icon={<CloseOutlined />} onClick={() => setAction('reject')} data-testid="reject">
                  {t('review.reject')}
                </Button>
                <Button
                  type="primary"
                  icon={<CheckOutlined />}
                  onClick={() => setAction('release')}
                  data-testid="release"
                >
                  {t('review.release')}
                </Button>
              </>
            )}
          </Space>
        ) : null
      }
    >
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} /> : null}
      {!l && !error && (
        <div style={{ padding: 48, textAlign: 'center' }}>
          <Spin />
        </div>
      )}
      {l && (
        <div data-testid="list-detail" data-status={l.status}>
          {summary}
          <SectionTitle>{t('clearance.sectionList')}</SectionTitle>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('clearance.invtNo')}>
              <span style={mono}>{l.invtNo ?? t('clearance.unnumbered')}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.orderNo')}>
              <span style={mono}>{l.orderNo}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.logisticsNo')}>
              <span style={mono}>{l.logisticsNo}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.copNo')}>
              <span style={mono}>{l.copNo}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.tradeMode')}>
              {l.tradeMode} {label(`clearance.tradeModes.${l.tradeMode}`, '')}
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.declaredOn')}>{l.declaredOn}</Descriptions.Item>
            <Descriptions.Item label={t('clearance.ebp')}>
              <Party code={l.ebpCode} />
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.ebc')}>
              <Party code={l.ebcCode} />
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.agent')}>
              <Party code={l.agentCode} />
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.logistics')}>
              <Party code={l.logisticsCode} />
            </Descriptions.Item>
            <Descriptions.Item label={t('clearance.amount')}>{yuan(l.amount)}</Descriptions.Item>
            <Descriptions.Item label={t('clearance.releasedAt')}>{formatTime(l.releasedAt, lang)}</Descriptions.Item>
          </Descriptions>
          {l.status !== 'rejected' && d?.outcome !== 'waiting' && (
            <>
              <SectionTitle>{t('clearance.sectionReasons')}</SectionTitle>
              <ReasonList reasons={reasons} />
            </>
          )}
          {(l.status === 'inspection' || sampling) && (
            <>
              <SectionTitle>{t('clearance.sectionSampling')}</SectionTitle>
              <SamplingView sampling={sampling} />
            </>
          )}
          <SectionTitle>{t('clearance.sectionTax')}</SectionTitle>
          <TaxedView taxed={d?.taxed} />
          <SectionTitle>{t('clearance.sectionTaxBill')}</SectionTitle>
          <TaxBillView bill={l.taxBill} />
          <SectionTitle>{t('clearance.sectionReturns')}</SectionTitle>
          <ReturnsTable
            returns={l.returns}
            canConfirm={!!officer}
            onConfirmed={() => {
              void load(l.id);
              onChanged?.();
            }}
          />
          <SectionTitle>{t('clearance.sectionEvents')}</SectionTitle>
          <EventTimeline events={l.events} />
          <DecisionModal
            action={action}
            list={l}
            onClose={() => setAction(null)}
            onDone={(next) => {
              message.success(next.status === 'released' ? t('review.released') : t('review.rejected'));
              setAction(null);
              setList(next);
              onChanged?.();
            }}
          />
        </div>
      )}
    </Drawer>
  );
}
