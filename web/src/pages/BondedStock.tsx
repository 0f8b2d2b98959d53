import { DeleteOutlined, ImportOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isEnterpriseUser } from '../api';
import { useAuth } from '../auth';
import { clearanceApi, type StockEntryInput, type StockItem } from '../clearance';
import { mono } from '../components/Declaration';
import { ListPage } from '../components/ListPage';
import { useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { EnterpriseCode } from '../enterprises';
import { formatTime } from '../i18n';

const QTY_RE = /^\d{1,12}(\.\d{1,5})?$/;

function EntryModal({
  open,
  areaCode,
  onClose,
  onDone,
}: {
  open: boolean;
  areaCode: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<StockEntryInput>();
  const errors = useServerErrors(form);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (open) {
      form.setFieldsValue({
        areaCode,
        entryNo: '',
        items: [{ itemRecordNo: '', gcode: '', gname: '', qty: '' }],
      });
      errors.clear();
    }
  }, [open, areaCode, form, errors.clear]);

  const submit = async (v: StockEntryInput) => {
    setBusy(true);
    errors.clear();
    try {
      const r = await clearanceApi.addStockEntry({
        areaCode: v.areaCode.trim(),
        entryNo: v.entryNo.trim(),
        items: v.items.map((i) => ({
          itemRecordNo: i.itemRecordNo.trim(),
          gcode: i.gcode.trim(),
          gname: i.gname.trim(),
          qty: i.qty.trim(),
        })),
      });
      if (r.repeated) message.info(t('stock.entryRepeated', { entryNo: r.entryNo }));
      else message.success(t('stock.entryDone', { entryNo: r.entryNo }));
      onDone();
    } catch (err) {
      errors.show(err);
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, whitespace: true, message: t('stock.required') };
  return (
    <Modal
      open={open}
      width={860}
      title={t('stock.entry')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      forceRender
    >
      {errors.alert}
      <Form form={form} layout="vertical" name="stockEntry" onFinish={submit}>
        <Space size={12} style={{ display: 'flex' }}>
          <Form.Item name="areaCode" label={t('stock.areaCode')} rules={[required]} style={{ width: 260 }}>
            <Input maxLength={60} style={mono} />
          </Form.Item>
          <Form.Item name="entryNo" label={t('stock.entryNo')} rules={[required]} style={{ width: 260 }}>
            <Input maxLength={60} style={mono} />
          </Form.Item>
        </Space>
        <Typography.Text strong>{t('stock.items')}</Typography.Text>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((f) => (
                <Space key={f.key} align="start" size={8} style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'itemRecordNo']} rules={[required]} style={{ width: 170 }}>
                    <Input placeholder={t('stock.itemRecordNo')} maxLength={30} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'gcode']}
                    rules={[required, { pattern: /^\d{10}$/, message: t('stock.gcodeFormat') }]}
                    style={{ width: 140 }}
                  >
                    <Input placeholder={t('stock.gcode')} maxLength={10} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'gname']} rules={[required]} style={{ width: 240 }}>
                    <Input placeholder={t('stock.gname')} maxLength={250} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'qty']}
                    rules={[
                      required,
                      {
                        validator: (_, v?: string) =>
                          !v || (QTY_RE.test(v.trim()) && Number(v) > 0)
                            ? Promise.resolve()
                            : Promise.reject(new Error(t('stock.qtyFormat'))),
                      },
                    ]}
                    style={{ width: 110 }}
                  >
                    <Input placeholder={t('stock.qty')} inputMode="decimal" />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    disabled={fields.length === 1}
                    onClick={() => remove(f.name)}
                    aria-label="remove"
                  />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ itemRecordNo: '', gcode: '', gname: '', qty: '' })}
              >
                {t('stock.addItem')}
              </Button>
            </div>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

/**
 * 保税库存: 1210 bonded stock per item. A warehouse enterprise sees its own stock and records goods entering the
 * bonded area (入区); officers see every warehouse's, filtered by warehouse code.
 */
export default function BondedStock() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { me } = useAuth();
  const enterprise = isEnterpriseUser(me?.role);
  const list = useListPage({
    filters: (p) => ({ area: p.get('area') ?? '' }),
    // the whole stock at once (paged in the table): an enterprise's own, or a warehouse's for officers
    fetch: ({ area }) => clearanceApi.stock(enterprise ? undefined : area || undefined).then((items) => ({ items })),
    deps: [enterprise],
  });
  const [search, setSearch] = useState(list.filters.area);
  const [isWarehouse, setIsWarehouse] = useState(false);
  const [entryOpen, setEntryOpen] = useState(false);

  useEffect(() => {
    const uscc = me?.enterpriseUscc;
    if (!enterprise || !uscc) return;
    api.enterprises
      .get(uscc)
      .then((e) => setIsWarehouse(e.roles.includes('warehouse')))
      .catch(() => setIsWarehouse(false));
  }, [enterprise, me?.enterpriseUscc]);

  const canEnter = (enterprise && isWarehouse) || me?.role === 'customs';

  return (
    <ListPage
      title={t('stock.title')}
      intro={t('stock.intro')}
      actions={
        canEnter && (
          <Button type="primary" icon={<ImportOutlined />} onClick={() => setEntryOpen(true)} data-testid="stock-entry">
            {t('stock.entry')}
          </Button>
        )
      }
      onRefresh={() => void list.reload()}
      error={list.error}
      filters={
        !enterprise && (
          <Input.Search
            allowClear
            style={{ width: 320 }}
            placeholder={t('stock.filterArea')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => list.setFilters({ area: v.trim().toUpperCase() })}
            enterButton={<SearchOutlined />}
          />
        )
      }
      after={
        <EntryModal
          open={entryOpen}
          areaCode={me?.enterpriseUscc ?? ''}
          onClose={() => setEntryOpen(false)}
          onDone={() => {
            setEntryOpen(false);
            void list.reload();
          }}
        />
      }
    >
      <Table<StockItem>
        rowKey={(r) => `${r.areaCode}|${r.itemRecordNo}`}
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        locale={{ emptyText: t('stock.empty') }}
        pagination={{ pageSize: 50, showTotal: (n) => t('common.total', { count: n }) }}
        columns={[
          {
            title: t('stock.areaCode'),
            dataIndex: 'areaCode',
            width: 240,
            render: (v: string) => <EnterpriseCode code={v} />,
          },
          {
            title: t('stock.itemRecordNo'),
            dataIndex: 'itemRecordNo',
            render: (v: string) => <span style={mono}>{v}</span>,
          },
          {
            title: t('stock.gcode'),
            dataIndex: 'gcode',
            width: 120,
            render: (v: string) => <span style={mono}>{v}</span>,
          },
          { title: t('stock.gname'), dataIndex: 'gname' },
          {
            title: t('stock.qty'),
            dataIndex: 'qty',
            align: 'right',
            width: 120,
            render: (v: string) => <Typography.Text strong={Number(v) > 0}>{v}</Typography.Text>,
          },
          {
            title: t('stock.updatedAt'),
            dataIndex: 'updatedAt',
            width: 150,
            render: (v: string) => formatTime(v, lang),
          },
        ]}
      />
    </ListPage>
  );
}
