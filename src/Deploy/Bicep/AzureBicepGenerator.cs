using System.Text;
using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Deploy.Bicep;

/// <summary>
/// <c>azure/main.bicep</c>: the Function App that hosts every function of the manifest (.NET 10 isolated worker, Linux), on
/// Flex Consumption (FC1, the default) or Elastic Premium (EP1) as the <c>plan</c> parameter says; its Storage account
/// (the host's <c>AzureWebJobsStorage</c> through the app's managed identity, the deployment package container, every
/// queue of a queue function with its <c>&lt;queue&gt;-poison</c> queue, the state store's table); Application Insights on
/// a Log Analytics workspace; and the role assignments of the app's system-assigned identity: Storage Blob Data Owner,
/// Storage Queue Data Contributor and Storage Table Data Contributor on the account, Monitoring Metrics Publisher on
/// Application Insights. Modules given to <see cref="Generate"/> (Event Grid subscriptions, …) are included with the
/// app's and the account's names.
/// </summary>
public static class AzureBicepGenerator
{
    /// <summary>The generated file's path under <c>deploy/</c>.</summary>
    public const string Path = "azure/main.bicep";

    /// <summary>Flex Consumption's instance memory sizes, MB (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan).</summary>
    public static IReadOnlyList<int> FlexInstanceMemory { get; } = [512, 2048, 4096];

    // Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    private static readonly (string Name, string Id, string Scope)[] Roles =
    [
        ("Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "storage"),
        ("Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "storage"),
        ("Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "storage"),
        ("Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "insights"),
    ];

    /// <summary>The template for <paramref name="manifest"/>, with <paramref name="modules"/> included.</summary>
    public static DeployFile Generate(FunctionManifest manifest, DeploymentOptions? options = null, IReadOnlyList<BicepModule>? modules = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= new DeploymentOptions();
        modules ??= [];
        var memory = manifest.Functions.Select(f => options.For(f).MemoryMb!.Value).DefaultIfEmpty(512).Max();
        var flexMemory = FlexInstanceMemory.FirstOrDefault(m => m >= memory, FlexInstanceMemory[^1]);
        var maxInstances = manifest.Functions.Select(f => options.For(f).MaxInstances!.Value).DefaultIfEmpty(40).Max();
        var queues = manifest.FunctionsOf<QueueTrigger>().Select(q => q.Trigger.Queue).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var b = new StringBuilder();
        b.Append("""
            // The app's Azure Functions deployment, generated from the manifest by Portable.Deploy (src/Deploy/Bicep); do not
            // edit: change the manifest or the deployment options and run `portable deploy`. Deploy: see deploy/azure/README.md.
            // Functions: 
            """).AppendJoin(", ", manifest.Functions.Select(f => f.Name)).Append('\n');
        b.Append($$"""

            @description('Where every resource goes.')
            param location string = resourceGroup().location

            @description('Starts every resource name.')
            @minLength(3)
            @maxLength(16)
            param prefix string = 'portable'

            @description('FlexConsumption (FC1, serverless, the default) or Premium (EP1, always-ready instances, VNet).')
            @allowed([
              'FlexConsumption'
              'Premium'
            ])
            param plan string = 'FlexConsumption'

            @description('Flex Consumption instance memory, MB: the largest memory a function of the manifest asks for, rounded up to a size Flex offers.')
            @allowed([
              512
              2048
              4096
            ])
            param instanceMemoryMB int = {{flexMemory}}

            @description('The most instances Flex Consumption scales out to (40-1000).')
            @minValue(40)
            @maxValue(1000)
            param maximumInstanceCount int = {{Math.Max(maxInstances, 40)}}

            var flex = plan == 'FlexConsumption'
            var suffix = uniqueString(resourceGroup().id, prefix)
            var appName = '${prefix}-${suffix}'
            var storageName = take(toLower('${replace(prefix, '-', '')}${suffix}'), 24)
            var packageContainer = 'app-package'

            resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
              name: storageName
              location: location
              sku: {
                name: 'Standard_LRS'
              }
              kind: 'StorageV2'
              properties: {
                minimumTlsVersion: 'TLS1_2'
                supportsHttpsTrafficOnly: true
                allowBlobPublicAccess: false
                // Portable's state store and queue publisher take a connection string (PORTABLE_TABLES_CONNECTION); the host itself uses the identity.
                allowSharedKeyAccess: true
              }
            }

            resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
              parent: storage
              name: 'default'
            }

            resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
              parent: blobs
              name: packageContainer
            }

            resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
              parent: storage
              name: 'default'
            }

            """);
        foreach (var queue in queues)
        {
            var symbol = Symbol(queue);
            b.Append($$"""
                resource {{symbol}}Queue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
                  parent: queueService
                  name: '{{queue}}'
                }

                // Where the host moves a message after maxDequeueCount (host.json) dequeues, and Portable's dead-letter sink puts a poison message.
                resource {{symbol}}PoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
                  parent: queueService
                  name: '{{queue}}-poison'
                }


                """);
        }

        b.Append($$"""
            resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
              parent: storage
              name: 'default'
            }

            resource stateTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
              parent: tableService
              name: 'PortableState'
            }

            resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
              name: '${prefix}-logs-${suffix}'
              location: location
              properties: {
                sku: {
                  name: 'PerGB2018'
                }
                retentionInDays: 30
              }
            }

            resource insights 'Microsoft.Insights/components@2020-02-02' = {
              name: '${prefix}-insights-${suffix}'
              location: location
              kind: 'web'
              properties: {
                Application_Type: 'web'
                WorkspaceResourceId: logs.id
                DisableLocalAuth: true
              }
            }

            resource hostingPlan 'Microsoft.Web/serverfarms@2024-04-01' = {
              name: '${prefix}-plan-${suffix}'
              location: location
              sku: flex ? {
                name: 'FC1'
                tier: 'FlexConsumption'
              } : {
                name: 'EP1'
                tier: 'ElasticPremium'
              }
              kind: flex ? 'functionapp' : 'elastic'
              properties: {
                reserved: true
              }
            }

            var connection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};EndpointSuffix=${environment().suffixes.storage};AccountKey=${storage.listKeys().keys[0].value}'

            var commonSettings = [
              {
                name: 'AzureWebJobsStorage__accountName'
                value: storage.name
              }
              {
                name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
                value: insights.properties.ConnectionString
              }
              {
                name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
                value: 'Authorization=AAD'
              }
              {
                name: 'PORTABLE_TABLES_CONNECTION'
                value: connection
              }
              {
                name: 'PORTABLE_TABLES_TABLE'
                value: stateTable.name
              }
            ]

            // Premium runs the worker from an Azure Files content share and names its runtime in app settings; Flex names it in functionAppConfig.
            var premiumSettings = [
              {
                name: 'FUNCTIONS_EXTENSION_VERSION'
                value: '~4'
              }
              {
                name: 'FUNCTIONS_WORKER_RUNTIME'
                value: 'dotnet-isolated'
              }
              {
                name: 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING'
                value: connection
              }
              {
                name: 'WEBSITE_CONTENTSHARE'
                value: toLower(appName)
              }
            ]

            resource app 'Microsoft.Web/sites@2024-04-01' = {
              name: appName
              location: location
              kind: 'functionapp,linux'
              identity: {
                type: 'SystemAssigned'
              }
              properties: {
                serverFarmId: hostingPlan.id
                httpsOnly: true
                functionAppConfig: flex ? {
                  deployment: {
                    storage: {
                      type: 'blobContainer'
                      value: '${storage.properties.primaryEndpoints.blob}${packageContainer}'
                      authentication: {
                        type: 'SystemAssignedIdentity'
                      }
                    }
                  }
                  scaleAndConcurrency: {
                    maximumInstanceCount: maximumInstanceCount
                    instanceMemoryMB: instanceMemoryMB
                  }
                  runtime: {
                    name: 'dotnet-isolated'
                    version: '10.0'
                  }
                } : null
                siteConfig: {
                  linuxFxVersion: flex ? null : 'DOTNET-ISOLATED|10.0'
                  minTlsVersion: '1.2'
                  ftpsState: 'Disabled'
                  appSettings: flex ? commonSettings : concat(commonSettings, premiumSettings)
                }
              }
            }


            """);
        foreach (var (name, id, scope) in Roles)
        {
            var symbol = Symbol(name.Replace(' ', '-'));
            b.Append($$"""
                // {{name}} for the app's managed identity.
                resource {{symbol}} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
                  name: guid({{scope}}.id, app.id, '{{id}}')
                  scope: {{scope}}
                  properties: {
                    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{{id}}')
                    principalId: app.identity.principalId
                    principalType: 'ServicePrincipal'
                  }
                }


                """);
        }

        foreach (var module in modules)
        {
            b.Append($"module {module.Name} '{module.Path}' = {{\n  name: '{module.Name}'\n  params: {{\n");
            foreach (var (key, value) in module.Parameters)
            {
                b.Append($"    {key}: {value}\n");
            }

            b.Append("  }\n}\n\n");
        }

        b.Append("""
            @description('The function app: deploy the package to it with `func azure functionapp publish`.')
            output functionAppName string = app.name

            @description('The app\'s base URL: HTTP functions answer on it without an /api prefix (host.json).')
            output functionAppUrl string = 'https://${app.properties.defaultHostName}'

            output storageAccountName string = storage.name

            output principalId string = app.identity.principalId

            """);
        return new DeployFile(Path, b.ToString());
    }

    // A Bicep identifier from a manifest name: order-saga → orderSaga.
    private static string Symbol(string name)
    {
        var id = CloudFormation.Cfn.LogicalId(name);
        return char.ToLowerInvariant(id[0]) + id[1..];
    }
}
