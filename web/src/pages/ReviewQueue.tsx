import { AuditOutlined } from '@ant-design/icons';
import { Badge, Button, Space, Table, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type ClearanceList, clearanceApi, keyedReasons, percent, reasonText, taxTotal, yuan } from '../clearance';
import { ListDetailDrawer, useCreditLevelName } from '../components/Clearance';
import { mono } from '../components/Declaration';
import { ListPage } from '../components/ListPage';
import { LoadError } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
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
  const { t } = useTranslation();
  // An officer's choice of tab is in the address; without one, the page opens on the first tab that has work.
  const list = useListPage({
    filters: (p) => {
      const stage = p.get('stage');
      return { chosen: (STAGES as readonly string[]).includes(stage ?? '') ? (stage as Stage) : null };
    },
    fetch: async ({ chosen }, { page, pageSize }) => {
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
      return {
        stage: shown,
        items: byStage[shown].items,
        total: byStage[shown].total,
        counts: { inspection: byStage.inspection.total, review: byStage.review.total } as Record<Stage, number>,
      };
    },
  });
  const { data } = list;
  const stage: Stage = list.filters.chosen ?? data?.stage ?? 'inspection';
  const counts = data?.counts;

  return (
    <ListPage
      title={t('review.title')}
      intro={t('review.intro')}
      actions={
        <Link to={`/console/audit?action=clearance.${stage}-decided`}>
          <Button icon={<AuditOutlined />} data-testid="review-audit">
            {t('review.auditLog')}
          </Button>
        </Link>
      }
      onRefresh={() => void list.reload()}
      cardBody={{ paddingTop: 4, paddingBottom: 8 }}
      after={
        <ListDetailDrawer id={list.selected} onClose={list.closeRow} onChanged={() => void list.reload()} officer />
      }
    >
      <Tabs
        activeKey={stage}
        onChange={(k) => list.setFilters({ stage: k })}
        items={STAGES.map((s) => ({
          key: s,
          label: (
            <Space size={6} data-testid={`stage-${s}`}>
              {s === 'inspection' ? t('review.inspectionTab') : t('review.reviewTab')}
              <Badge count={counts?.[s] ?? 0} showZero color={s === stage ? '#1a5fb4' : '#bfc6d1'} />
            </Space>
          ),
        }))}
      />
      <LoadError error={list.error} />
      <Table<ClearanceList>
        data-testid="review-queue"
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={data?.stage === stage ? data.items : []}
        onRow={(r) => ({ onClick: () => list.openRow(r.id), style: { cursor: 'pointer' } })}
        locale={{ emptyText: t('review.empty') }}
        pagination={{ ...list.pagination, total: data?.stage === stage ? data.total : 0 }}
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
                  list.openRow(r.id);
                }}
                data-testid="open-list"
              >
                {t('review.decide')}
              </Button>
            ),
          },
        ]}
      />
    </ListPage>
  );
}
