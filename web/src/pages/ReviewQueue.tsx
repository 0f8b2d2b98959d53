import { AuditOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, Space, Table, type TablePaginationConfig, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { errorText } from '../api';
import { type ClearanceList, clearanceApi, keyedReasons, percent, reasonText, taxTotal, yuan } from '../clearance';
import { ListDetailDrawer, useCreditLevelName } from '../components/Clearance';
import { mono } from '../components/Declaration';
import { EnterpriseCode } from '../enterprises';

type Stage = 'inspection' | 'review';
const STAGES: readonly Stage[] = ['inspection', 'review'];

/** Why the list is before an officer: the review rules that asked for one, or the inspection draw. */
function Evidence({ list }: { list: ClearanceList }) {
  const { t, i18n } = useTranslation();
  const levelName = useCreditLevelName();
  const d = list.decision;
  const reasons = d?.reasons ?? [];
  const review = reasons.filter((r) => r.rule.startsWith('review:'));
  const shown = list.status === 'review' ? (review.length ? review : reasons) : reasons;
  return (
    <div style={{ fontSize: 12 }} data-testid="evidence">
      {list.status === 'inspection' && d?.sampling && (
        <div style={{ marginBottom: 4 }}>
          <Tag color="orange" style={{ marginInlineEnd: 6 }}>
            {t('clearance.inspected')}
          </Tag>
          {t('clearance.creditLevel')} {levelName(d.sampling.level)} · {t('clearance.rate')} {percent(d.sampling.rate)}
        </div>
      )}
      {keyedReasons(shown.slice(0, 3)).map(({ key, r }) => (
        <div key={key}>{reasonText(r, i18n.language)}</div>
      ))}
      {shown.length > 3 && <div style={{ color: '#8a94a6' }}>+{shown.length - 3}</div>}
    </div>
  );
}

/**
 * 审核查验 (customs): the lists in manual review (300) and inspection (500), with the evidence; the officer opens one,
 * reads the reasons, sampling and tax, then releases or rejects it with a note (recorded in the audit log).
 */
export default function ReviewQueue() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [params, setParams] = useSearchParams();
  // An officer's choice of tab is in the address; without one, the page opens on the first tab that has work.
  const stageParam = params.get('stage');
  const chosen: Stage | null = (STAGES as readonly string[]).includes(stageParam ?? '') ? (stageParam as Stage) : null;
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const open = params.get('id');

  const [data, setData] = useState<{ stage: Stage; items: ClearanceList[]; total: number } | null>(null);
  const [counts, setCounts] = useState<Record<Stage, number | null>>({ inspection: null, review: null });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stage: Stage = chosen ?? data?.stage ?? 'inspection';

  const key = JSON.stringify([chosen, page, pageSize]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      // both stages: the counts on the tabs, and (with no tab chosen) which one has work
      const pages = await Promise.all(
        STAGES.map((s) =>
          chosen === null || s === chosen
            ? clearanceApi.lists({ status: s, page, pageSize })
            : clearanceApi.lists({ status: s, page: 1, pageSize: 1 }),
        ),
      );
      const byStage = Object.fromEntries(STAGES.map((s, i) => [s, pages[i]])) as Record<
        Stage,
        { items: ClearanceList[]; total: number }
      >;
      const shown = chosen ?? STAGES.find((s) => byStage[s].total > 0) ?? 'inspection';
      setData({ stage: shown, items: byStage[shown].items, total: byStage[shown].total });
      setCounts({ inspection: byStage.inspection.total, review: byStage.review.total });
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

  const onTable = (p: TablePaginationConfig) => {
    update({ page: String(p.current ?? 1), pageSize: String(p.pageSize ?? 20) });
  };

  return (
    <div>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('review.title')}
        </Typography.Title>
        <Link to={`/console/audit?action=clearance.${stage}-decided`}>
          <Button icon={<AuditOutlined />} data-testid="review-audit">
            {t('review.auditLog')}
          </Button>
        </Link>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t('review.intro')}
      </Typography.Paragraph>
      <Card variant="borderless" styles={{ body: { paddingTop: 4, paddingBottom: 8 } }}>
        <Tabs
          activeKey={stage}
          onChange={(k) => update({ stage: k, page: null })}
          items={STAGES.map((s) => ({
            key: s,
            label: (
              <Space size={6} data-testid={`stage-${s}`}>
                {s === 'inspection' ? t('review.inspectionTab') : t('review.reviewTab')}
                <Badge count={counts[s] ?? 0} showZero color={s === stage ? '#1a5fb4' : '#bfc6d1'} />
              </Space>
            ),
          }))}
        />
        {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} /> : null}
        <Table<ClearanceList>
          data-testid="review-queue"
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={data?.stage === stage ? data.items : []}
          onChange={onTable}
          onRow={(r) => ({ onClick: () => update({ id: r.id }), style: { cursor: 'pointer' } })}
          locale={{ emptyText: t('review.empty') }}
          pagination={{
            current: page,
            pageSize,
            total: data?.stage === stage ? data.total : 0,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { count: n }),
          }}
          columns={[
            {
              title: t('clearance.invtNo'),
              dataIndex: 'invtNo',
              width: 180,
              render: (v: string | null, r) => (
                <div>
                  <div style={mono}>{v ?? '—'}</div>
                  <div style={{ ...mono, color: '#8a94a6', fontSize: 12 }}>{r.orderNo}</div>
                </div>
              ),
            },
            {
              title: t('clearance.ebc'),
              dataIndex: 'ebcCode',
              width: 220,
              render: (v: string) => <EnterpriseCode code={v} />,
            },
            { title: t('review.why'), key: 'evidence', render: (_: unknown, r) => <Evidence list={r} /> },
            { title: t('clearance.amount'), dataIndex: 'amount', align: 'right', width: 110, render: yuan },
            {
              title: t('clearance.tax'),
              key: 'tax',
              align: 'right',
              width: 100,
              render: (_: unknown, r) => yuan(taxTotal(r.tax)),
            },
            { title: t('clearance.declaredOn'), dataIndex: 'declaredOn', width: 110 },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 80,
              render: (_: unknown, r) => (
                <Button
                  type="primary"
                  ghost
                  size="small"
                  onClick={(ev) => {
                    ev.stopPropagation();
                    update({ id: r.id });
                  }}
                  data-testid="open-list"
                >
                  {t('review.decide')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <ListDetailDrawer id={open} onClose={() => update({ id: null })} onChanged={() => void load()} officer />
    </div>
  );
}
