import { App as AntApp, ConfigProvider, Spin, theme } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { OFFICER_ROLES, type UserRole } from './api';
import { AuthProvider } from './auth';
import { AppLayout } from './components/AppLayout';
import { RequireRole } from './components/RequireRole';
import Home from './pages/Home';
import Login from './pages/Login';

const Apply = lazy(() => import('./pages/Apply'));
const Portal = lazy(() => import('./pages/Portal'));
const ApiKeys = lazy(() => import('./pages/ApiKeys'));
const ConsoleQueue = lazy(() => import('./pages/ConsoleQueue'));
const AuditLog = lazy(() => import('./pages/AuditLog'));
const AdminUsers = lazy(() => import('./pages/AdminUsers'));
const ChangePassword = lazy(() => import('./pages/ChangePassword'));
const NotFound = lazy(() => import('./pages/NotFound'));
const Messages = lazy(() => import('./pages/Messages'));
const Upload = lazy(() => import('./pages/Upload'));
const Webhooks = lazy(() => import('./pages/Webhooks'));
const Certificates = lazy(() => import('./pages/Certificates'));
const ClearanceLists = lazy(() => import('./pages/ClearanceLists'));
const TaxBills = lazy(() => import('./pages/TaxBills'));
const QuotaCheck = lazy(() => import('./pages/QuotaCheck'));
const BondedStock = lazy(() => import('./pages/BondedStock'));
const ReviewQueue = lazy(() => import('./pages/ReviewQueue'));
const ReferenceTables = lazy(() => import('./pages/ReferenceTables'));
const Credit = lazy(() => import('./pages/Credit'));
const Delegations = lazy(() => import('./pages/Delegations'));
const OverseasWarehouses = lazy(() => import('./pages/OverseasWarehouses'));
const CertificateReview = lazy(() => import('./pages/CertificateReview'));
const TrustStore = lazy(() => import('./pages/TrustStore'));

const ENTERPRISE: readonly UserRole[] = ['enterprise_admin', 'enterprise_operator'];
const STAFF: readonly UserRole[] = [...OFFICER_ROLES, 'platform_admin'];
const ADMIN: readonly UserRole[] = ['platform_admin'];
const ENTERPRISE_ADMIN: readonly UserRole[] = ['enterprise_admin'];
/** Who may read every enterprise's messages (the backend's message readers, less the enterprises). */
const MESSAGE_MONITORS: readonly UserRole[] = ['customs', 'platform_admin'];
/** Customs officers: the manual review and inspection queue (审核查验). */
const CUSTOMS: readonly UserRole[] = ['customs'];
/** Who manages the reference tables (the backend's table loaders). */
const TABLE_MANAGERS: readonly UserRole[] = ['customs', 'platform_admin'];

function Page({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div style={{ padding: 64, textAlign: 'center' }}>
          <Spin />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

export default function App() {
  const { i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  return (
    <ConfigProvider
      locale={zh ? zhCN : enUS}
      button={{ autoInsertSpace: false }}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: {
          colorPrimary: '#1a5fb4',
          colorInfo: '#1a5fb4',
          borderRadius: 6,
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Helvetica Neue', Arial, sans-serif",
        },
        components: { Layout: { headerBg: '#0f3d7a', siderBg: '#ffffff', bodyBg: '#f3f5f9' } },
      }}
    >
      <AntApp>
        <AuthProvider>
          <BrowserRouter>
            <Routes>
              <Route element={<AppLayout />}>
                <Route index element={<Home />} />
                <Route path="login" element={<Login />} />
                <Route
                  path="apply"
                  element={
                    <Page>
                      <Apply />
                    </Page>
                  }
                />
                <Route
                  path="account/password"
                  element={
                    <RequireRole>
                      <Page>
                        <ChangePassword />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <Portal />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/api-keys"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <ApiKeys />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/messages"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <Messages scope="portal" />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/upload"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <Upload />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/webhooks"
                  element={
                    <RequireRole roles={ENTERPRISE_ADMIN}>
                      <Page>
                        <Webhooks />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/certificates"
                  element={
                    <RequireRole roles={ENTERPRISE_ADMIN}>
                      <Page>
                        <Certificates />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/delegations"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <Delegations />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/overseas-warehouses"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <OverseasWarehouses />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/overseas-warehouses"
                  element={
                    <RequireRole roles={STAFF}>
                      <Page>
                        <OverseasWarehouses scope="console" />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/certificates"
                  element={
                    <RequireRole roles={CUSTOMS}>
                      <Page>
                        <CertificateReview />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="admin/trust"
                  element={
                    <RequireRole roles={ADMIN}>
                      <Page>
                        <TrustStore />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console"
                  element={
                    <RequireRole roles={STAFF}>
                      <Page>
                        <ConsoleQueue />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/audit"
                  element={
                    <RequireRole roles={STAFF}>
                      <Page>
                        <AuditLog />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/credit"
                  element={
                    <RequireRole roles={STAFF}>
                      <Page>
                        <Credit />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/messages"
                  element={
                    <RequireRole roles={MESSAGE_MONITORS}>
                      <Page>
                        <Messages scope="console" />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/tables"
                  element={
                    <RequireRole roles={TABLE_MANAGERS}>
                      <Page>
                        <ReferenceTables />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/clearance"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <ClearanceLists scope="portal" />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/tax"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <TaxBills />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/quota"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <QuotaCheck />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="portal/stock"
                  element={
                    <RequireRole roles={ENTERPRISE}>
                      <Page>
                        <BondedStock />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/clearance"
                  element={
                    <RequireRole roles={STAFF}>
                      <Page>
                        <ClearanceLists scope="console" />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/review"
                  element={
                    <RequireRole roles={CUSTOMS}>
                      <Page>
                        <ReviewQueue />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="console/stock"
                  element={
                    <RequireRole roles={STAFF}>
                      <Page>
                        <BondedStock />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="admin/users"
                  element={
                    <RequireRole roles={ADMIN}>
                      <Page>
                        <AdminUsers />
                      </Page>
                    </RequireRole>
                  }
                />
                <Route
                  path="*"
                  element={
                    <Page>
                      <NotFound />
                    </Page>
                  }
                />
              </Route>
            </Routes>
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}
